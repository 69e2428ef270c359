/**
 * Protobuf's wire format as plain code, for protobuf codecs written by hand or generated:
 * the `.pb.ts` files kitgen writes import it from here. A {@link Writer} appends tags,
 * varints, doubles and length-delimited bytes; a {@link Reader} reads them back and throws a
 * {@link ProtobufError} for truncated or malformed bytes rather than reading past the end or
 * looping. {@link enumValue} and {@link enumNumber} map a string-literal enum to its numbers.
 * No schema and no reflection: the codec that calls these decides which field is which.
 *
 * @packageDocumentation
 */
export { enumNumber, enumValue } from "./protobuf/enum.ts";
export { ProtobufError } from "./protobuf/error.ts";
export { Reader } from "./protobuf/reader.ts";
export { Writer } from "./protobuf/writer.ts";
