'use strict';
// Build step after tsc: compiles schemas/cluster.schema.json into a standalone validator module, so the
// CLI starts without running Ajv's compiler (about 120 ms of every pre-commit call).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const standaloneCode = require('ajv/dist/standalone').default;
const { clusterSchema, createSchemaCompiler } = require('../dist/schema-compiler');

const ajv = createSchemaCompiler({ standalone: true });
const code = standaloneCode(ajv, ajv.compile(clusterSchema()));
writeFileSync(join(__dirname, '../dist/cluster-validator.js'), `// Generated from schemas/cluster.schema.json by scripts/compile-validator.js.\n${code}`);
