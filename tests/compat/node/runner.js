'use strict';
// One call through an official Alibaba Cloud Node.js package, for tests/compat/test_compat_node.py.
//   node runner.js <scenario> '<json args>'   → prints one JSON line: {"ok": true, ...} or {"ok": false, "error": {...}}
// Scenarios: tea (a typed @alicloud/* product client), generic (@alicloud/openapi-client callApi),
// pop (@alicloud/pop-core), sts-sdk (@alicloud/sts-sdk's own signer), raw (a hand-built HTTP request),
// credentials (@alicloud/credentials' ram_role_arn provider, then GetCallerIdentity through what it got).

const SCENARIOS = { tea, generic, pop, 'sts-sdk': stsSdk, raw, credentials };

const PRODUCTS = {
  rm: '@alicloud/resourcemanager20200331',
  sts: '@alicloud/sts20150401',
};

// Declared fields of a typed model the call left undefined, as wire-name paths (Account.FolderId, ...).
function unfilled(model, path) {
  if (!model || typeof model.constructor.names !== 'function') {
    return [];
  }
  const names = model.constructor.names();
  const out = [];
  for (const [prop, wire] of Object.entries(names)) {
    const here = path ? `${path}.${wire}` : wire;
    const value = model[prop];
    if (value === undefined || value === null) {
      out.push(here);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => out.push(...unfilled(item, `${here}[${i}]`)));
    } else if (typeof value === 'object') {
      out.push(...unfilled(value, here));
    }
  }
  return out;
}

function creds(args) {
  return {
    accessKeyId: args.accessKeyId,
    accessKeySecret: args.accessKeySecret,
    securityToken: args.securityToken || undefined,
  };
}

// A typed product client (V3 by default; signatureAlgorithm "v2" signs V1). The raw JSON the server sent is
// captured under the client, so the test can compare it with what the typed model kept.
async function tea(args) {
  const sdk = require(PRODUCTS[args.product]);
  const { $OpenApiUtil } = require('@alicloud/openapi-core');
  const config = new $OpenApiUtil.Config({
    ...creds(args),
    endpoint: args.endpoint,
    protocol: 'http',
    signatureAlgorithm: args.signatureAlgorithm,
  });
  const client = new sdk.default(config);
  let raw;
  const callApi = client.callApi.bind(client);
  client.callApi = async (...call) => {
    const response = await callApi(...call);
    raw = response.body;
    return response;
  };
  const request = args.requestClass ? [new sdk[args.requestClass](args.request || {})] : [];
  const response = await client[args.operation](...request);
  return {
    statusCode: response.statusCode,
    model: response.body.toMap(),
    raw,
    unfilled: unfilled(response.body, ''),
    modelClass: response.body.constructor.name,
  };
}

// What an integration without a product package uses (ResourceDirectoryMaster 2022-04-19 has none).
async function generic(args) {
  const OpenApi = require('@alicloud/openapi-client');
  const Util = require('@alicloud/tea-util');
  const config = new OpenApi.Config({
    ...creds(args),
    endpoint: args.endpoint,
    protocol: 'HTTP',
    signatureAlgorithm: args.signatureAlgorithm,
  });
  const client = new OpenApi.default(config);
  const params = new OpenApi.Params({
    action: args.action,
    version: args.version,
    protocol: 'HTTP',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    pathname: '/',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const request = new OpenApi.OpenApiRequest({ query: args.query || {} });
  const response = await client.callApi(params, request, new Util.RuntimeOptions({}));
  return { statusCode: response.statusCode, raw: response.body };
}

// The old RPC client: V1 signatures over GET (query) or POST (form body).
async function pop(args) {
  const RPCClient = require('@alicloud/pop-core');
  const client = new RPCClient({
    ...creds(args),
    endpoint: `http://${args.endpoint}`,
    apiVersion: args.version,
  });
  try {
    const [raw, entry] = await clientVerbose(client).request(args.action, args.params || {}, { method: args.method });
    return { statusCode: entry.response.statusCode, raw };
  } catch (err) {
    if (err.entry) {
      err.statusCode = err.entry.response.statusCode;
    }
    throw err;
  }
}

function clientVerbose(client) {
  client.verbose = true; // request() then resolves to [json, entry], entry carrying the HTTP status
  return client;
}

// @alicloud/sts-sdk signs with `new Date().toISOString()` (milliseconds). Its client only speaks HTTPS, so its
// own signer and HTTP core are used here with the protocol set to the plain-HTTP listener.
async function stsSdk(args) {
  const StsBase = require('@alicloud/sts-sdk/lib/sts_base');
  const { $send } = require('@alicloud/http-core-sdk');
  const base = new StsBase({ endpoint: args.endpoint, ...creds(args) });
  const request = { protocol: 'http', method: 'POST', pathname: '/', headers: { host: args.endpoint } };
  request.query = await base.__getQuery({ Action: args.action, ...(args.params || {}) }, request);
  const response = await $send(request, { timeout: 10000 });
  return { statusCode: response.statusCode, raw: await base.__json(response), timestamp: request.query.Timestamp };
}

async function raw(args) {
  const response = await fetch(`http://${args.endpoint}/${args.query ? `?${args.query}` : ''}`, {
    method: args.method || 'POST',
    headers: args.headers || {},
  });
  return {
    statusCode: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}

// The RAM-role provider assumes args.roleArn over HTTPS at args.stsEndpoint (it speaks nothing else: the
// process trusts openrd's CA through NODE_EXTRA_CA_CERTS); the typed STS client then signs with its session.
async function credentials(args) {
  const Credential = require('@alicloud/credentials');
  const { $OpenApiUtil } = require('@alicloud/openapi-core');
  const credential = new Credential.default(
    new Credential.Config({
      type: 'ram_role_arn',
      ...creds(args),
      roleArn: args.roleArn,
      roleSessionName: args.roleSessionName,
      stsEndpoint: args.stsEndpoint,
    }),
  );
  const session = await credential.getCredential();
  const sts = require(PRODUCTS.sts);
  const config = new $OpenApiUtil.Config({ credential, endpoint: args.endpoint, protocol: 'http' });
  const identity = await new sts.default(config).getCallerIdentity();
  return {
    accessKeyId: session.accessKeyId,
    type: session.type,
    identity: identity.body.toMap(),
  };
}

function describe(err) {
  const data = err.data && typeof err.data === 'object' ? err.data : undefined;
  return {
    name: err.name,
    code: err.code,
    statusCode: err.statusCode !== undefined ? err.statusCode : data && data.statusCode,
    message: err.message,
    requestId: err.requestId,
    data,
  };
}

async function main() {
  const [scenario, json] = process.argv.slice(2);
  const run = SCENARIOS[scenario];
  if (!run) {
    throw new Error(`unknown scenario ${scenario}; one of ${Object.keys(SCENARIOS).join(', ')}`);
  }
  let out;
  try {
    out = { ok: true, ...(await run(JSON.parse(json || '{}'))) };
  } catch (err) {
    out = { ok: false, error: describe(err) };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(2);
});
