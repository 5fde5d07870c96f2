// Usage: node report.js <host:port> <proto-root> <json request> [token]
// Reports one incident with @grpc/grpc-js, retries it with the same client_report_id, reads it back, then sends a
// bad report and a call without a token; prints one JSON line with what came back. The bearer token (a grid worker
// token whose subject is the request's reporter_id) comes from the fourth argument or $GOVERNANCE_TOKEN.
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const path = require('path');

const [address, protoRoot, requestJson, tokenArgument] = process.argv.slice(2);
const token = tokenArgument || process.env.GOVERNANCE_TOKEN || '';
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
const metadata = (withToken) => {
  const m = new grpc.Metadata();
  if (withToken) {
    m.set('authorization', `Bearer ${token}`);
  }
  m.set('x-client', 'governance-interop/report.js');
  return m;
};
const call = (method, request, withToken = true) => new Promise((resolve) => {
  client[method](request, metadata(withToken), { deadline: deadline() }, (error, response) =>
    resolve(error ? { code: error.code, details: error.details } : { response }));
});

(async () => {
  const request = JSON.parse(requestJson);
  const first = await call('ReportIncident', request);
  const retry = await call('ReportIncident', request);
  const id = first.response ? first.response.incident.incident_id : '';
  const read = await call('GetIncident', { incident_id: id });
  const bad = await call('ReportIncident', { ...request, client_report_id: request.client_report_id + '-bad', location: { ...request.location, point: { longitude: 121.2, latitude: 95 } } });
  const anonymous = await call('GetIncident', { incident_id: id }, false);
  console.log(JSON.stringify({ first, retry, read, bad, anonymous }));
  client.close();
})().catch((e) => { console.error(e); process.exit(1); });
