"""Reads Parquet with pyarrow (Arrow's C++ reader), a reader independent of ours, for the tests.

  python parquet_reader.py rows FILE        one JSON object per row: bytes as base64, timestamps as epoch ms
  python parquet_reader.py meta FILE        row groups and column chunks from the footer, as JSON
  python parquet_reader.py decompress CODEC JSON lines on stdin ({"data": base64, "size": n}) decompressed
                                            with Arrow's own codec, base64 out
"""
import base64
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq


def b64(value):
    return None if value is None else base64.b64encode(value).decode("ascii")


def rows(path):
    table = pq.read_table(path)
    # Strings as their stored bytes, so the comparison is byte for byte; timestamps as epoch ms.
    columns = {
        "partition": table.column("partition").to_pylist(),
        "offset": table.column("offset").to_pylist(),
        "timestamp": table.column("timestamp").cast(pa.int64()).to_pylist(),
    }
    for name in ("key", "key_bytes", "value", "value_bytes"):
        columns[name] = [b64(v) for v in table.column(name).cast(pa.binary()).to_pylist()]
    headers = table.column("headers").to_pylist()
    out = sys.stdout
    for i in range(table.num_rows):
        row = {name: values[i] for name, values in columns.items()}
        row["headers"] = None if headers[i] is None else [[h["key"], b64(h["value"])] for h in headers[i]]
        out.write(json.dumps(row))
        out.write("\n")


def meta(path):
    md = pq.ParquetFile(path).metadata
    groups = []
    for g in range(md.num_row_groups):
        group = md.row_group(g)
        columns = []
        for c in range(group.num_columns):
            col = group.column(c)
            stats = col.statistics
            columns.append({
                "path": col.path_in_schema,
                "compression": col.compression,
                "dataPageOffset": col.data_page_offset,
                "compressedBytes": col.total_compressed_size,
                "numValues": col.num_values,
                # The physical values (epoch ms for timestamps), as the footer stores them.
                "min": stats.min_raw if stats is not None and stats.has_min_max else None,
                "max": stats.max_raw if stats is not None and stats.has_min_max else None,
                "nullCount": stats.null_count if stats is not None and stats.has_null_count else None,
            })
        groups.append({"numRows": group.num_rows, "columns": columns})
    print(json.dumps({"numRows": md.num_rows, "createdBy": md.created_by, "formatVersion": md.format_version,
                      "schema": str(pq.ParquetFile(path).schema_arrow), "rowGroups": groups}))


def decompress(codec):
    for line in sys.stdin:
        item = json.loads(line)
        data = pa.decompress(base64.b64decode(item["data"]), decompressed_size=item["size"], codec=codec)
        sys.stdout.write(b64(data.to_pybytes()) + "\n")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "rows":
        rows(sys.argv[2])
    elif mode == "meta":
        meta(sys.argv[2])
    elif mode == "decompress":
        decompress(sys.argv[2])
    else:
        raise SystemExit(f"unknown mode {mode}")
