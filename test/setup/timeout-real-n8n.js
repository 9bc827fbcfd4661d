// Real-n8n suites: build and install the package, start n8n (and a worker), run workflows.
jest.setTimeout(600_000);
