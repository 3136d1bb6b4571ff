// Cliente Node.js del servicio gRPC de inferencia (Clase 3, MLOps II — CEIA–FIUBA).
//
// Carga el MISMO inference.proto que usa el servidor Python (no hay código copiado a mano:
// @grpc/proto-loader genera los tipos al vuelo) y hace tres llamadas:
//   1. Predict (unario) con plazo y x-request-id en la metadata;
//   2. PredictBatchStream (streaming de servidor) sobre un lote de filas;
//   3. Predict con una fila incompleta, para ver el INVALID_ARGUMENT del servidor.
// Imprime un único JSON en stdout (el notebook y las pruebas lo leen).
//
// Uso:  npm ci && node client.js --target 127.0.0.1:50051 [--rows 10 --chunk 4]

"use strict";

const path = require("node:path");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");

function parseArgs(argv) {
  const args = { target: "127.0.0.1:50051", rows: 10, chunk: 4, timeoutMs: 5000 };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    const value = argv[i + 1];
    if (key === "target") args.target = value;
    else if (key === "rows") args.rows = Number(value);
    else if (key === "chunk") args.chunk = Number(value);
    else if (key === "timeout-ms") args.timeoutMs = Number(value);
    else throw new Error(`opción desconocida: ${argv[i]}`);
  }
  return args;
}

const PROTO = path.join(__dirname, "..", "inference.proto");
const definition = protoLoader.loadSync(PROTO, {
  keepCase: true, // mismos nombres de campo que en el .proto (num_features, no numFeatures)
  longs: Number,
  enums: String,
  defaults: true,
});
const { InferenceService } = grpc.loadPackageDefinition(definition).mlops2.inference.v1;

function deadline(ms) {
  return new Date(Date.now() + ms);
}

function predict(client, features, requestId, timeoutMs) {
  return new Promise((resolve, reject) => {
    const metadata = new grpc.Metadata();
    metadata.set("x-request-id", requestId);
    client.Predict({ features }, metadata, { deadline: deadline(timeoutMs) }, (err, response) =>
      err ? reject(err) : resolve(response),
    );
  });
}

function predictStream(client, matrix, chunkRows, timeoutMs) {
  return new Promise((resolve, reject) => {
    const request = { features: matrix.flat(), num_features: matrix[0].length, chunk_rows: chunkRows };
    const call = client.PredictBatchStream(request, { deadline: deadline(timeoutMs) });
    const chunks = [];
    call.on("data", (chunk) =>
      chunks.push({ first_row: chunk.first_row, class_index: chunk.class_index }),
    );
    call.on("error", reject);
    call.on("end", () => resolve(chunks));
  });
}

// Filas deterministas: las flores 0, 50 y 100 de iris (una de cada especie), repetidas.
const IRIS = [
  [5.1, 3.5, 1.4, 0.2],
  [7.0, 3.2, 4.7, 1.4],
  [6.3, 3.3, 6.0, 2.5],
];

async function main() {
  const args = parseArgs(process.argv);
  const client = new InferenceService(args.target, grpc.credentials.createInsecure());
  const out = { client: "node", grpc_js: require("@grpc/grpc-js/package.json").version };
  try {
    const one = await predict(client, IRIS[0], "node-1", args.timeoutMs);
    out.unary = {
      label: one.label,
      class_index: one.class_index,
      probabilities: one.probabilities.map((p) => Number(p.toFixed(4))),
      request_id: one.request_id,
      model_version: one.model_version,
    };
    const matrix = Array.from({ length: args.rows }, (_, i) => IRIS[i % IRIS.length]);
    const chunks = await predictStream(client, matrix, args.chunk, args.timeoutMs);
    out.server_streaming = {
      rows: args.rows,
      chunks: chunks.length,
      first_rows: chunks.map((c) => c.first_row),
      class_index: chunks.flatMap((c) => c.class_index),
    };
    try {
      await predict(client, [5.1, 3.5], "node-error", args.timeoutMs);
      out.invalid_argument = { code: "OK" };
    } catch (err) {
      out.invalid_argument = { code: grpc.status[err.code], details: err.details };
    }
    process.stdout.write(JSON.stringify(out) + "\n");
  } catch (err) {
    process.stderr.write(`Error gRPC ${grpc.status[err.code] ?? ""}: ${err.details ?? err.message}\n`);
    process.exitCode = 1;
  } finally {
    client.close();
  }
}

main();
