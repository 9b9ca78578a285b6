/**
 * The table of every RoutecraftError code: its kind, what it means, and the templates of its
 * messages. errors.ts builds the errors from it; nothing else reads it. A leaf.
 */

/** What a code is about: the part of routecraft that was misused. */
export type ErrorKind = 'declaration' | 'document' | 'response' | 'security' | 'webhook' | 'testing'

// The checks a route() and a webhook() declaration share raise the same messages, each under
// its own code (a webhook is never reported as a route).
const METHOD = {
  none: '%{where}: method must name at least one HTTP method',
  unknown: '%{where}: unknown HTTP method %{method:json}; use one of %{known:list}',
} as const
const SCHEMA = {
  notTypeBox: '%{where}: %{slot} must be a TypeBox schema (Type.Object(...), Type.String(), …), got %{got}',
  notObject: '%{where}: %{slot} must be a Type.Object(...) schema, one property per %{part}',
  type: 'a schema has type %{type:json}; JSON Schema types are %{known:list}',
  required: 'a schema has required %{required:json}; required must list property names',
  sameId: 'two different schemas use $id "%{id}" in one schema; give each its own $id or share one schema object',
} as const
const STATUS = {
  final: '%{where}: status must be a final status, an integer from 200 to 599 (1xx statuses are interim), got %{status:json}',
  responsesKey: '%{where}: responses key "%{key}" is not a status code (100–599, 1XX–5XX or default)',
} as const
const OPTION = {
  unknown: '%{where}: unknown option "%{key}"; known options: %{known:list}',
  string: '%{where}: %{option} must be a string',
  boolean: '%{where}: %{option} must be a boolean',
  tags: '%{where}: tags must be an array of strings',
  function: '%{where}: %{option} must be a function',
  object: '%{where}: %{option} must be an object',
  emptyOperationId: '%{where}: operationId must not be empty',
  responses: '%{where}: responses must be an object keyed by status code',
  responseDescription: '%{where}: responses[%{key}].description must be a string',
  responseMap: '%{where}: responses[%{key}].%{part} must map %{what}',
} as const

/**
 * Every code: its kind, what it means (the summary of its docs row), and its messages. A
 * message is a template: `%{name}` is a value the caller passes, `%{name:json}` the same
 * written as JSON, `%{name:list}` a list joined by ", ".
 */
export const registry = {
  // Declarations of routes, webhooks and dependencies
  RC_ERR_ROUTE_NO_HANDLER: ['declaration', 'a route declaration needs a handler function', {
    noDeclaration: 'route() needs a declaration object',
    handler: '%{where}: handler must be a function',
  }],
  RC_ERR_ROUTE_METHOD: ['declaration', 'an HTTP method routecraft does not know', METHOD],
  RC_ERR_ROUTE_URL: ['declaration', 'a url that is not a string starting with "/"', {
    start: '%{where}: url must be a string starting with "/", got %{url:json}',
    braces: '%{where}: unbalanced braces in url %{url:json}',
  }],
  RC_ERR_ROUTE_PATH_PARAM: ['declaration', 'a path parameter without an entry in the params schema (or the reverse)', {
    undeclared: '%{where}: path parameter "%{name}" has no entry in the params schema',
    notInPath: '%{where}: params schema declares "%{name}", which is not in the path',
    twice: '%{where}: path parameter "%{name}" appears twice',
  }],
  RC_ERR_ROUTE_SCHEMA: ['declaration', 'a request-part or response schema that is not a TypeBox/JSON schema object', {
    ...SCHEMA,
    headerCase: '%{where}: header "%{name}" must be declared in lower case ("%{lower}"): HTTP header names are case-insensitive and Node gives them in lower case',
  }],
  RC_ERR_ROUTE_SCHEMA_REF: ['declaration', 'a $ref that names no schema routecraft has seen or the app added', {
    unresolved: '%{where}: $ref "%{ref}" resolves to no schema; declare a schema with that $id, or add it to the app with app.addSchema() before registering the route',
  }],
  RC_ERR_ROUTE_STATUS: ['declaration', 'a route status outside 200–599, or a responses key that is no status', STATUS],
  RC_ERR_ROUTE_OPTION: ['declaration', 'an option of the wrong type or an unknown option', {
    ...OPTION,
    rawBody: '%{where}: rawBody must be true or false',
    operationIdMethods: '%{where}: an explicit operationId would repeat for each of %{methods:list}; declare one route per method, or use generateOperationId',
  }],
  RC_ERR_ROUTE_BODY_CONFLICT: ['declaration', '`rawBody: true` together with a `body` schema', {
    rawBody: '%{where}: a rawBody route takes the body as bytes; document it with openapiExtra instead of a body schema',
  }],
  RC_ERR_WEBHOOK_NAME: ['declaration', 'a webhook without a valid event name', {
    noDeclaration: 'webhook() needs a declaration object',
    name: 'webhook(): name must be an event identifier such as "new-subscription" (letters, digits, _ . : -), got %{name:json}',
  }],
  RC_ERR_WEBHOOK_METHOD: ['declaration', 'a webhook method routecraft does not know', METHOD],
  RC_ERR_WEBHOOK_SCHEMA: ['declaration', 'a webhook body or response schema that is not a TypeBox/JSON schema object', {
    ...SCHEMA,
    unresolved: '%{where}: $ref "%{ref}" resolves to no schema; declare a schema with that $id and use it in a declaration, or pass the schema object to Type.Ref()',
  }],
  RC_ERR_WEBHOOK_STATUS: ['declaration', 'a responses key of a webhook that is no status', STATUS],
  RC_ERR_DEPENDENCY_SHAPE: ['declaration', 'something in `deps` that is not a dependency', {
    deps: '%{where}: deps must be an object of named dependencies',
    name: 'dependency(): name must be a string',
    notDependency: '%{where}: deps.%{key} is not a dependency; create it with dependency({ resolve }) or basicAuth()',
    unknown: OPTION.unknown,
    boolean: OPTION.boolean,
  }],
  RC_ERR_DEPENDENCY_CYCLE: ['declaration', 'a dependency that depends on itself, directly or not', {
    cycle: '%{where}: dependency cycle %{names}',
  }],
  RC_ERR_DEPENDENCY_NO_RESOLVE: ['declaration', 'a dependency declaration without a resolve function', {
    noDeclaration: 'dependency() needs a declaration object',
    resolve: '%{where}: resolve must be a function',
  }],
  RC_ERR_DECLARATION_READ: ['declaration', 'a declaration or options object whose getter, Proxy trap or toString threw when it was read', {
    read: '%{what}: reading the declaration threw (%{thrown}); declarations must be plain data (no throwing getters or Proxies)',
  }],
  RC_ERR_DEPENDENCY_NO_YIELD: ['declaration', 'a dependency with teardown (a generator resolve) that returned without yielding', {
    noYield: '%{where}: a dependency with teardown returned without yielding a value',
  }],
  // The OpenAPI document
  RC_ERR_OPENAPI_DUPLICATE_OPERATION_ID: ['document', 'two documented operations with the same operationId', {
    clash: 'operationId "%{operationId}" is used by %{first} and by %{second}; operationIds must be unique (set operationId or name on one of them)',
  }],
  RC_ERR_OPENAPI_DUPLICATE_WEBHOOK: ['document', 'two webhooks with the same name and method', {
    twice: 'webhook %{key} is declared twice',
  }],
  RC_ERR_OPENAPI_OPTION: ['document', 'an option of openapi() of the wrong type', {
    options: 'openapi() takes an options object',
    unknown: 'openapi(): unknown option "%{key}"; known options: %{known:list}',
    path: 'openapi(): %{option} must be a path such as "/docs", or false',
    operationIds: 'openapi(): operationIds must be "default", "name" or a function',
    protect: 'openapi(): protect must be a dependency, e.g. basicAuth()',
    notFound: 'openapi(): notFound must be a boolean',
    info: 'openapi(): info needs a title and a version (strings)',
    servers: 'openapi(): servers must be a list of { url, description? }',
    tags: 'openapi(): tags must be a list of { name, description?, externalDocs? }',
    swaggerOpenapi: 'openapi(): swagger.openapi must be an object (the document\'s head)',
    uiPrefix: 'openapi(): the docs are served at docsPath; swaggerUi takes no routePrefix or prefix',
    clash: 'openapi(): specPath %{specPath} clashes with the docs under %{docsPath}',
    nested: 'openapi(): %{option} must be an options object',
    unknownNested: 'openapi(): unknown %{option} option "%{key}"; known: %{known:list}',
    protectPlan: 'openapi(): protect has nothing to solve',
    operationId: 'the operationId function returned %{id:json} for %{method} %{path}; it must return a non-empty string',
  }],
  RC_ERR_OPENAPI_REGISTERED_TWICE: ['document', 'openapi() registered twice on one server', {
    twice: 'openapi() is already registered on this server; register it once, at the root',
  }],
  RC_ERR_OPENAPI_SCHEMA_ID: ['document', 'two different schemas with the same $id in one document', {
    sameId: 'two different schemas use $id "%{id}" in one document; give each its own $id or share one schema object',
  }],
  RC_ERR_OPENAPI_CYCLE: ['document', 'a document value (openapiExtra, responses, an openapi() option, a schema) with a reference cycle', {
    cycle: '%{at}: refers back to an object that contains it (a reference cycle); JSON cannot carry a cycle',
  }],
  RC_ERR_OPENAPI_DEPTH: ['document', 'a document value nested deeper than the cap', {
    depth: '%{at}: nested more than %{max} levels deep',
  }],
  RC_ERR_OPENAPI_SIZE: ['document', 'a document value with more values than the cap', {
    size: '%{at}: more than %{max} values; a document value this large is not documentation (put it in a file the docs link to)',
  }],
  RC_ERR_OPENAPI_VALUE: ['document', 'a document value JSON cannot carry (BigInt, symbol, function, NaN, a getter or setter in a schema)', {
    number: '%{at}: %{value} is not a JSON number',
    type: '%{at}: a %{type} cannot be written as JSON',
    accessor: '%{at}: a schema must not have getters or setters: it is read again when it is compiled and documented',
  }],
  RC_ERR_OPENAPI_READ: ['document', 'a document value whose getter, Proxy trap or toJSON threw when it was declared', {
    read: '%{at}: %{reading} threw (%{thrown}); document values must be plain data',
  }],
  RC_ERR_OPENAPI_APP_SWAGGER: ['document', 'an app\'s own @fastify/swagger (or swagger-ui) that openapi() cannot build on', {
    swaggerOptions: 'openapi(): the app registered @fastify/swagger itself, so the swagger options belong to that registration; drop openapi({ swagger })',
    swaggerUi: 'openapi(): the app registered @fastify/swagger-ui itself; pass docsPath: false to openapi() (the document is still served at specPath), or let openapi() register both',
    swagger2: 'the app registered @fastify/swagger in Swagger 2.0 mode; register it with { openapi: { … } } (OpenAPI 3), or let openapi() register it',
  }],
  // Responses
  RC_ERR_RESPONSE_HEADER: ['response', 'a header name or value HTTP forbids, or a hop-by-hop/framing header', {
    nameType: 'a header name must be a string, got %{got}',
    token: 'header name %{name} is not a valid HTTP token (letters, digits and !#$%&\'*+-.^_`|~ only)',
    connection: 'header %{name} belongs to the connection, not the response: Node frames and manages it (a Trailer or Transfer-Encoding set by hand breaks the answer)',
    valueType: 'header %{name} needs a string or a finite number as its value, got %{got}',
    valueChar: 'header %{name} has a value with U+%{char} at index %{index}, which HTTP forbids (CR, LF, NUL, other controls but tab, or above U+00FF): %{value}',
    mediaType: 'mediaType must not be empty',
  }],
  RC_ERR_RESPONSE_COOKIE: ['response', 'a cookie name, value or attribute that cannot be sent', {
    nameType: 'a cookie name must be a string, got %{got}',
    name: 'cookie %{name}: the name must be a non-empty token: ASCII letters, digits and !#$%&\'*+-.^_`|~ (no spaces, ";", "=", controls or non-ASCII)',
    valueType: 'cookie %{name}: the value must be a string, got %{got}',
    surrogate: 'cookie %{name}: the value contains a lone UTF-16 surrogate, which cannot be URI-encoded',
    options: 'cookie %{name}: the options must be an object, got %{got}',
    unknown: 'cookie %{name}: unknown option %{key} (known: %{known:list})',
    pathType: 'cookie %{name}: path must be a string, got %{got}',
    path: 'cookie %{name}: path %{path} must start with "/" and hold only printable ASCII, without ";" or "<"',
    domainType: 'cookie %{name}: domain must be a string, got %{got}',
    domain: 'cookie %{name}: domain %{domain} must be a host name (ASCII letters, digits, "-" and ".", no port)',
    maxAge: 'cookie %{name}: maxAge must be an integer number of seconds, got %{got}',
    expiresType: 'cookie %{name}: expires must be a Date, got %{got}',
    expires: 'cookie %{name}: expires must be a valid Date between the years 1601 and 9999',
    flag: 'cookie %{name}: %{flag} must be a boolean, got %{got}',
    sameSite: 'cookie %{name}: sameSite must be \'lax\', \'strict\', \'none\' or a boolean, got %{got}',
    priority: 'cookie %{name}: priority must be \'low\', \'medium\' or \'high\', got %{got}',
    sameSiteNone: 'cookie %{name}: sameSite: \'none\' needs secure: true (browsers drop SameSite=None cookies without Secure)',
    partitioned: 'cookie %{name}: partitioned needs secure: true (browsers drop Partitioned cookies without Secure)',
    prefixSecure: 'cookie %{name}: a %{prefix} cookie needs secure: true',
    hostPrefix: 'cookie %{name}: a __Host- cookie cannot have a domain and needs path "/"',
    unsigned: 'cookie "%{name}" is signed, but @fastify/cookie is not registered with a secret',
  }],
  RC_ERR_RESPONSE_STATUS: ['response', 'a response status outside 200–599 (1xx statuses are interim)', {
    final: 'a response status must be a final status, an integer from 200 to 599 (1xx statuses are interim and end no response), got %{got}',
    httpError: 'HttpError needs a 4xx or 5xx status, got %{status}',
  }],
  RC_ERR_JSONABLE_CYCLE: ['response', 'a value with a reference cycle given to jsonable()', {
    cycle: 'jsonable() found a reference cycle: %{path} refers back to %{ancestor}',
  }],
  RC_ERR_JSONABLE_VALUE: ['response', 'a value jsonable() cannot convert (a function or a symbol at the top)', {
    top: 'jsonable() cannot convert a %{type}',
    depth: 'jsonable() refuses values nested more than %{max} levels deep (at %{path})',
  }],
  // Security
  RC_ERR_AUTH_OPTION: ['security', 'an option of a security builder (basicAuth(), bearerAuth(), apiKeyAuth(), securityScheme()) of the wrong type', {
    options: '%{where} takes an options object',
    unknown: '%{where}: unknown option "%{key}"; known options: %{known:list}',
    autoError: '%{where}: autoError must be a boolean',
    schemeName: '%{where}: schemeName must be a non-empty string of letters, digits, _ . -',
    description: '%{where}: description must be a string',
    realm: 'basicAuth(): realm must be a string of printable ASCII characters',
    bearerFormat: 'bearerAuth(): bearerFormat must be a string',
    apiKeyIn: 'apiKeyAuth(): in must be "header", "query" or "cookie"',
    apiKeyName: 'apiKeyAuth(): name must be the non-empty name of the %{in}',
    basicColon: 'a Basic username cannot contain ":" (RFC 7617)',
    basicSurrogate: 'Basic credentials cannot contain a lone UTF-16 surrogate',
    declaration: 'securityScheme() takes a declaration object { schemeName, scheme, resolve }',
    scopes: '%{where}: scopes must be an array of strings',
    resolve: '%{where}: resolve must be a function (credentials, ctx) => value',
    scheme: '%{where}: scheme must be an OpenAPI security scheme object, e.g. { type: "http", scheme: "bearer" }',
    schemeString: '%{where}: %{option} must be a string',
    schemeType: '%{where}: scheme.type must be "http", "apiKey", "oauth2" or "openIdConnect", got %{type:json}',
    httpScheme: '%{where}: an http scheme needs scheme: a token such as "bearer" or "basic"',
    apiKeySchemeIn: '%{where}: an apiKey scheme needs in: "header", "query" or "cookie"',
    apiKeySchemeName: '%{where}: an apiKey scheme needs the name of its %{in} (a non-empty string%{header})',
    flows: '%{where}: an oauth2 scheme needs flows, e.g. { password: { tokenUrl: "token" } }',
    flow: '%{where}: unknown OAuth2 flow "%{name}"; known flows: %{known:list}',
    flowObject: '%{where}: flows.%{name} must be an object',
    flowScopes: '%{where}: flows.%{name}.scopes must map scope names to descriptions',
  }],
  // Webhooks
  RC_ERR_WEBHOOK_SECRET: ['webhook', 'a webhook secret that is missing or not a whsec_/base64 secret', {
    type: 'a webhook secret must be a string, got %{type}',
    format: 'a webhook secret must be "whsec_" followed by base64 (or the bare base64), of at least one byte',
    missing: 'a webhook secret is required (a string or a non-empty array of strings)',
  }],
  RC_ERR_WEBHOOK_VERIFY: ['webhook', 'a received webhook that fails verification', {
    failed: '%{reason}: %{problem}',
  }],
  RC_ERR_WEBHOOK_OPTION: ['webhook', 'an option of a webhook declaration or of the webhook functions of the wrong type', {
    ...OPTION,
    tolerance: 'verifyWebhook: toleranceSeconds must be a positive number',
    rawBody: 'verifyWebhook: rawBody must be the body as received (a string or bytes), not a parsed value',
    maxEntries: 'memoryReplayStore: maxEntries must be a positive integer',
    redisClient: 'redisReplayStore: pass a Redis client (ioredis) with set and exists',
    redisPrefix: 'redisReplayStore: prefix must be a string',
    dispatcher: 'queueDispatcher: needs a connection, a non-empty queueName, and waitMs / enqueueTimeoutMs as milliseconds (enqueueTimeoutMs above 0)',
    worker: 'deliveryWorker: needs a connection, a secret function, a non-empty queueName, concurrency and retry.attempts as positive integers, timeoutMs and the retry delays as positive milliseconds (timeoutMs at most %{maxTimeout}: the job lock lasts twice as long, on a Node timer)',
    integrityKey: '%{where}: integrityKey must be a string of at least %{min} characters (or an array of them during a rotation), the same on producers and workers',
  }],
  RC_ERR_WEBHOOK_TARGET: ['webhook', 'a webhook target the SSRF guard refuses', {
    refused: 'refused target: %{reason}',
  }],
  // routecraft/testing
  RC_ERR_TESTING_ROUTE: ['testing', 'a test request for something that is not a route() registered (once) on the app', {
    notRoute: 'request() takes a plugin made by route()',
    notRegistered: '%{where} is not registered on this app: register the same route() value you pass to request()',
    registeredTwice: '%{where} is registered at %{paths}: use one route() value per registration',
  }],
  RC_ERR_TESTING_INPUT: ['testing', 'a test request input the client cannot send (a missing path parameter, an object as a query value, an undeclared method)', {
    method: '%{where}: the route does not answer %{method}',
    pathParam: '%{where}: the path parameter "%{name}" needs a string or a number, got %{got}',
    query: '%{where}: the query parameter "%{name}" needs strings, numbers or booleans (or an array of them)',
    scalar: '%{where}: the %{what} "%{name}" needs a string or a number',
    payload: 'signedWebhookRequest: the payload does not match webhook %{name}: %{issues} (wrap it in unchecked() to sign it anyway)',
    timestamp: 'signedWebhookRequest: timestamp must be a Date or whole unix seconds',
  }],
  RC_ERR_TESTING_CAPTURE: ['testing', 'captureWebhooks() given something that is not a webhook(), or a webhook already captured', {
    outcome: 'an outcome is "delivered", "refused" or a non-empty list of statuses (100–599) and network error codes such as "ECONNRESET"',
    none: 'captureWebhooks() needs at least one webhook',
    notWebhook: 'captureWebhooks() takes plugins made by webhook()',
    captured: 'webhook %{url} is already captured: close() the other outbox first',
    twice: 'the same webhook is listed twice',
  }],
} as const satisfies Record<`RC_ERR_${string}`, readonly [ErrorKind, string, Readonly<Record<string, string>>]>
