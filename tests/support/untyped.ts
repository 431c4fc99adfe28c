/**
 * Data a test reads back from what the program wrote (parsed YAML, TOML or JSON, a JSON Schema, a fuzzed
 * spec) and walks to assert its shape with expect(): untyped on purpose, since typing every access would
 * restate the assertion. Tests only: the packages' sources have no `any` but the RuleTester's (a rule test's edit
 * of generated data, packages/lint/src/rule-tester.ts, reached only through @clusterspec/lint/testing).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one name tests give untyped data (above)
export type Untyped = any;
