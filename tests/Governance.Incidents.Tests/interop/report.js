// Usage: node report.js <host:port> <proto-root> <json request>
// Reports one incident with @grpc/grpc-js, retries it with the same client_report_id, reads it back, then sends a
// bad report; prints one JSON line with what came back.
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const path = require('path');

const [address, protoRoot, requestJson] = process.argv.slice(2);
const definition = protoLoader.loadSync(path.join(protoRoot, 'governance/v1/incidents.proto'), {
  includeDirs: [protoRoot],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
});
const governance = grpc.loadPackageDefinition(definition).governance.v1;
const client = new governance.IncidentService(address, grpc.credentials.createInsecure());
const deadline = () => new Date(Date.now() + 10000);
const call = (method, request) => new Promise((resolve) => {
  client[method](request, { deadline: deadline() }, (error, response) =>
    resolve(error ? { code: error.code, details: error.details } : { response }));
});

(async () => {
  const request = JSON.parse(requestJson);
  const first = await call('ReportIncident', request);
  const retry = await call('ReportIncident', request);
  const id = first.response ? first.response.incident.incident_id : '';
  const read = await call('GetIncident', { incident_id: id });
  const bad = await call('ReportIncident', { ...request, client_report_id: request.client_report_id + '-bad', location: { ...request.location, point: { longitude: 121.2, latitude: 95 } } });
  console.log(JSON.stringify({ first, retry, read, bad }));
  client.close();
})().catch((e) => { console.error(e); process.exit(1); });
