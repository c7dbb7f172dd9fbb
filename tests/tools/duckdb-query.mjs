// Runs SQL statements with DuckDB (npm @duckdb/node-api) and prints the last one's rows as JSON.
// Usage: node duckdb-query.mjs "SQL" ["SQL" ...]. The tests use it to read range export's GeoParquet.
import { DuckDBInstance } from '@duckdb/node-api';

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
let rows = [];
for (const sql of process.argv.slice(2)) {
  const reader = await connection.runAndReadAll(sql);
  rows = reader.getRowsJson();
}
process.stdout.write(JSON.stringify(rows));
