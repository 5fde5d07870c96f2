'use strict';

// Drives the Governance gRPC server with @grpc/grpc-js, a third-party client, for the xunit interop tests.
// Usage: node client.js <scenario> <host:port> <echo.proto> <proto root containing grpc/health/v1/health.proto> [callId]
// The cancel scenario waits for a line on stdin before it cancels.
// Prints one JSON line with what the client saw; the exit code is 0 whenever the scenario ran to an answer.

const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [scenario, address, echoProto, protoRoot, callId = ''] = process.argv.slice(2);

const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
const echoPackage = grpc.loadPackageDefinition(protoLoader.loadSync(echoProto, loaderOptions));
const healthPackage = grpc.loadPackageDefinition(
  protoLoader.loadSync('grpc/health/v1/health.proto', { ...loaderOptions, includeDirs: [protoRoot] }));

const EchoService = echoPackage.governance.testing.v1.EchoService;
const credentials = grpc.credentials.createInsecure();

function report(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

function reportError(err) {
  report({ ok: false, code: err.code, details: err.details, trailers: err.metadata ? err.metadata.getMap() : {} });
}

function unary(client, method, request, options = {}) {
  return new Promise((resolve) => {
    const call = client[method](request, options, (err, reply) => {
      if (err) {
        reportError(err);
      } else {
        report({ ok: true, text: reply.text, payloadLength: reply.payload.length });
      }
      resolve(call);
    });
  });
}

// grpc-js emits 'status' last, for success and failure alike; 'error' only needs a listener so it is not thrown.
function readStream(request) {
  return new Promise((resolve) => {
    const client = new EchoService(address, credentials);
    const indexes = [];
    const call = client.Stream(request);
    call.on('data', (message) => indexes.push(message.index));
    call.on('error', () => {});
    call.on('status', (status) => {
      report({ ok: status.code === grpc.status.OK, code: status.code, details: status.details, indexes });
      resolve();
    });
  });
}

function deadlineIn(ms) {
  return new Date(Date.now() + ms);
}

const scenarios = {
  echo: () => unary(new EchoService(address, credentials), 'Echo', { text: 'hello from grpc-js', call_id: callId }),

  gzip: () => unary(
    new EchoService(address, credentials, { 'grpc.default_compression_algorithm': 2 }),
    'Echo',
    { text: 'compressible '.repeat(500) }),

  error: () => unary(new EchoService(address, credentials), 'Fail', { status: 3, text: '参数错误: 纬度超出范围' }),

  deadline: () => unary(new EchoService(address, credentials), 'Slow', { call_id: callId }, { deadline: deadlineIn(1500) }),

  // Cancels when the test writes a line to stdin, i.e. once the server handler is known to be running.
  cancel: () => new Promise((resolve) => {
    const client = new EchoService(address, credentials);
    const call = client.Slow({ call_id: callId }, (err) => {
      if (err) {
        reportError(err);
      } else {
        report({ ok: true });
      }
      resolve();
    });
    process.stdin.once('data', () => call.cancel());
  }),

  stream: () => readStream({ text: 's', count: 5 }),

  'stream-error': () => readStream({ count: 5, fail_after: 2 }),

  unknown: () => new Promise((resolve) => {
    const client = new grpc.Client(address, credentials);
    client.makeUnaryRequest(
      '/governance.testing.v1.EchoService/NoSuchMethod',
      (value) => value,
      (value) => value,
      Buffer.alloc(0),
      (err) => {
        if (err) {
          reportError(err);
        } else {
          report({ ok: true });
        }
        resolve();
      });
  }),

  health: () => new Promise((resolve) => {
    const client = new healthPackage.grpc.health.v1.Health(address, credentials);
    client.Check({ service: '' }, (err, reply) => {
      if (err) {
        reportError(err);
      } else {
        report({ ok: true, status: reply.status });
      }
      resolve();
    });
  }),
};

const run = scenarios[scenario];
if (!run) {
  process.stderr.write(`unknown scenario '${scenario}'; known: ${Object.keys(scenarios).join(', ')}\n`);
  process.exit(2);
}

Promise.resolve(run()).then(() => process.exit(0), (err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
