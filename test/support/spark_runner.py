"""Runs SQL in Apache Spark (pyspark, local mode, with Hive support) for the tests: the statements of a
table definition, then queries whose rows come back as JSON (binary values as base64).

stdin: {"warehouse": dir, "hiveSerde": bool, "statements": [sql...], "queries": {name: sql}}
With hiveSerde, Hive tables stored as Parquet are read by Hive's own ParquetHiveSerDe (the Hive 2.3
that Spark embeds) instead of Spark's reader. Run it with the warehouse folder as working directory
(the embedded metastore lives there).
"""
import base64
import json
import sys

from pyspark.sql import Row, SparkSession


def plain(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Row):
        return {k: plain(v) for k, v in value.asDict().items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main():
    job = json.load(sys.stdin)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("ckafka-cos-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", job["warehouse"])
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.hive.convertMetastoreParquet", "false" if job["hiveSerde"] else "true")
        .enableHiveSupport()
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for statement in job["statements"]:
        spark.sql(statement)
    out = {name: [plain(row) for row in spark.sql(sql).collect()] for name, sql in job["queries"].items()}
    spark.stop()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
