// Validates an OpenAPI document with an independent validator (@apidevtools/swagger-parser): schema and $refs.
// Usage: node openapi-validate.mjs FILE; prints "valid" and the path count, or the problem and exits 1.
import SwaggerParser from "@apidevtools/swagger-parser";

try {
  const api = await SwaggerParser.validate(process.argv[2]);
  console.log(`valid: ${api.info.title} ${api.info.version}, ${Object.keys(api.paths).length} paths`);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
