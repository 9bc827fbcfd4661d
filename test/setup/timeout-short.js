// Engine, package and node suites: in-process, milliseconds per test.
jest.setTimeout(30_000);
