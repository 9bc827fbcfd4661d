// Store suites: real databases, thousands of rows under concurrency.
jest.setTimeout(180_000);
