import protobuf from 'protobufjs';

/**
 * The parts of the OTLP trace protocol (opentelemetry-proto v1: common, resource, trace and the
 * trace collector service) that the receiver reads and answers, with their wire field numbers.
 * Fields left out here (events, links, trace state…) are skipped by the decoder, as protobuf does
 * with any field it does not know. `google.rpc.Status` is what OTLP/HTTP answers a failed request with.
 */
const SCHEMA = `
syntax = "proto3";
package otlp;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message Resource { repeated KeyValue attributes = 1; }

message SpanStatus { string message = 2; int32 code = 3; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  SpanStatus status = 15;
  fixed32 flags = 16;
}
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }

message RpcStatus { int32 code = 1; string message = 2; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: false }).root;
const ExportTraceServiceRequest = root.lookupType('otlp.ExportTraceServiceRequest');
const ExportTraceServiceResponse = root.lookupType('otlp.ExportTraceServiceResponse');
const RpcStatus = root.lookupType('otlp.RpcStatus');

/**
 * Decodes a protobuf `ExportTraceServiceRequest` into the shape of its OTLP/JSON encoding
 * (camelCase fields, 64-bit integers as decimal strings), except that ids stay base64 here.
 * Throws protobufjs's error on bytes that are not such a message.
 */
export function decodeTraceRequestProto(body: Uint8Array): Record<string, unknown> {
  const message = ExportTraceServiceRequest.decode(body);
  return ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String, defaults: false });
}

/** Encodes the answer to an export: `partialSuccess` only when something was rejected or is worth a warning. */
export function encodeTraceResponseProto(partial?: { rejectedSpans: number; errorMessage: string }): Buffer {
  const message = ExportTraceServiceResponse.fromObject(partial ? { partialSuccess: partial } : {});
  return Buffer.from(ExportTraceServiceResponse.encode(message).finish());
}

/** A `google.rpc.Status` (the body of a failed OTLP/HTTP protobuf request). */
export function encodeRpcStatusProto(code: number, message: string): Buffer {
  return Buffer.from(RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish());
}
