// Usage: node watch.js <host:port> <proto-root> <token> <changes before disconnect> <changes after reconnect>
// Watches a worklist with @grpc/grpc-js: opens WatchWorklist from the start, takes the given number of live changes,
// cancels the call, waits for a line on stdin (the test makes more changes meanwhile), reconnects with
// after_position = the last position received and takes the given number of changes, then listens a moment longer
// for anything repeated. Prints one JSON line with every message received.
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const path = require('path');
const readline = require('readline');

const [address, protoRoot, token, firstCount, secondCount] = process.argv.slice(2);
const definition = protoLoader.loadSync(path.join(protoRoot, 'governance/v1/worklist.proto'), {
  includeDirs: [protoRoot],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
});
const governance = grpc.loadPackageDefinition(definition).governance.v1;
const client = new governance.WorklistService(address, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.set('authorization', `Bearer ${token}`);
// After the expected changes, anything more within this time is a repeat or an extra the server should not send.
const quietMillis = 500;
// A change that never comes ends the phase with what did come, so the test shows the difference instead of a timeout.
const phaseLimitMillis = 20000;

const brief = (m) => ({
  position: Number(m.position),
  event_type: m.event_type,
  in_worklist: m.in_worklist,
  incident_id: m.incident.incident_id,
  state: m.incident.state,
});

// Reads messages of one WatchWorklist call until `count` live (non-snapshot) ones arrived, then `quietMillis` more.
const watch = (afterPosition, count) => new Promise((resolve, reject) => {
  const received = [];
  let live = 0;
  let timer = null;
  const call = client.WatchWorklist({ after_position: String(afterPosition) }, metadata);
  let done = false;
  const finish = () => {
    if (done) {
      return;
    }
    done = true;
    call.cancel();
    resolve(received);
  };
  call.on('data', (message) => {
    received.push(brief(message));
    if (message.event_type !== 'snapshot') {
      live++;
    }
    if (live === count && timer === null) {
      timer = setTimeout(finish, quietMillis);
    }
  });
  call.on('error', (error) => {
    if (error.code === grpc.status.CANCELLED) {
      return;
    }
    reject(new Error(`WatchWorklist failed: ${error.code} ${error.details}`));
  });
  if (count === 0) {
    timer = setTimeout(finish, quietMillis);
  }
  setTimeout(finish, phaseLimitMillis).unref();
});

const nextLine = () => new Promise((resolve) => {
  const rl = readline.createInterface({ input: process.stdin });
  rl.once('line', (line) => {
    rl.close();
    resolve(line);
  });
});

(async () => {
  const first = await watch(0, Number(firstCount));
  const last = first.length === 0 ? 0 : first[first.length - 1].position;
  // The test makes its second batch of changes while no call is open, then says go.
  await nextLine();
  const second = await watch(last, Number(secondCount));
  console.log(JSON.stringify({ first, resumed_after: last, second }));
  client.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
