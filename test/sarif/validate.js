// Validates SARIF files against the official SARIF 2.1.0 JSON schema with
// ajv, the validator the SARIF ecosystem's own tools use. The schema is
// draft-04 (its "$schema"), which ajv reads through ajv-draft-04; formats
// (uri, date-time, ...) are asserted through ajv-formats.
//
//   node validate.js <schema.json> <file.sarif>...
//
// Exits 1 and prints ajv's errors when a file does not validate.
"use strict";
const fs = require("fs");
const Ajv = require("ajv-draft-04");
const addFormats = require("ajv-formats");

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
  console.error("usage: node validate.js <schema.json> <file.sarif>...");
  process.exit(2);
}
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
let bad = 0;
for (const f of files) {
  if (validate(JSON.parse(fs.readFileSync(f, "utf8")))) {
    console.log(`${f}: valid`);
  } else {
    bad++;
    console.error(`${f}: invalid\n${JSON.stringify(validate.errors, null, 2)}`);
  }
}
process.exit(bad ? 1 : 0);
