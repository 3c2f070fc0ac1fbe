// Apache Spark (pyspark 3.5, local mode, Java from the machine) as the engine DLC runs, and its embedded
// Hive 2.3 Parquet SerDe as the reader older Hive clusters use.
import { runPython, venvPython } from './python-venv';

export interface SparkJob {
  /** Folder of the warehouse and the embedded metastore (also the working directory). */
  warehouse: string;
  /** Read Hive Parquet tables with Hive's ParquetHiveSerDe instead of Spark's own reader. */
  hiveSerde: boolean;
  statements: string[];
  queries: Record<string, string>;
}

/** The python with pyspark, made on first use (a download of about 300 MB). */
export const sparkPython = () => venvPython('pyspark-venv', 'pyspark==3.5.5');

export function runSpark(job: SparkJob): Record<string, Array<Record<string, unknown>>> {
  return JSON.parse(runPython(sparkPython(), 'spark_runner.py', [], { input: JSON.stringify(job), cwd: job.warehouse })) as Record<string, Array<Record<string, unknown>>>;
}

/** The statements of a printed table definition, comments dropped. */
export function statementsOf(ddl: string): string[] {
  return ddl
    .split(/;\n/)
    .map((s) => s.replace(/--.*$/gm, '').trim())
    .filter((s) => s !== '');
}
