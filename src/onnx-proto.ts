// The part of ONNX's schema that an exported model uses, as a description that drives
// protobufjs's Writer, which does the wire encoding (protobufjs's reflection would compile
// encoders with Function, which a page's Content-Security-Policy may forbid, and would add
// 100 kB to the browser bundle). Field names and numbers follow onnx/onnx.proto (IR
// version 7 and later, unchanged since): only the messages and fields written here are listed,
// and a reader skips nothing it needs, since every other field is optional.
//
//   ModelProto          ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7,
//                       opset_import 8, metadata_props 14
//   OperatorSetIdProto  domain 1, version 2
//   StringStringEntryProto  key 1, value 2
//   GraphProto          node 1, name 2, initializer 5, doc_string 10, input 11, output 12
//   NodeProto           input 1, output 2, name 3, op_type 4, attribute 5, domain 7
//   AttributeProto      name 1, f 2, i 3, s 4, floats 7, ints 8, type 20 (AttributeType)
//   TensorProto         dims 1, data_type 2, name 8, raw_data 9 (little-endian, row-major)
//   ValueInfoProto      name 1, type 2, doc_string 3
//   TypeProto           tensor_type 1; TypeProto.Tensor elem_type 1, shape 2
//   TensorShapeProto    dim 1; TensorShapeProto.Dimension dim_value 1, dim_param 2
import protobuf from 'protobufjs/minimal.js';

/** TensorProto.DataType values used here. */
export const DATA_TYPE = { FLOAT: 1, INT64: 7, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values used here. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

type Scalar = 'string' | 'bytes' | 'int32' | 'int64' | 'float';
/** A field: its number, its type (a scalar or the name of a message of SCHEMA), and whether it repeats. */
type Field = readonly [id: number, type: string, rule?: 'repeated'];

const SCHEMA = {
  ModelProto: {
    ir_version: [1, 'int64'],
    producer_name: [2, 'string'],
    producer_version: [3, 'string'],
    doc_string: [6, 'string'],
    graph: [7, 'GraphProto'],
    opset_import: [8, 'OperatorSetIdProto', 'repeated'],
    metadata_props: [14, 'StringStringEntryProto', 'repeated'],
  },
  OperatorSetIdProto: { domain: [1, 'string'], version: [2, 'int64'] },
  StringStringEntryProto: { key: [1, 'string'], value: [2, 'string'] },
  GraphProto: {
    node: [1, 'NodeProto', 'repeated'],
    name: [2, 'string'],
    initializer: [5, 'TensorProto', 'repeated'],
    doc_string: [10, 'string'],
    input: [11, 'ValueInfoProto', 'repeated'],
    output: [12, 'ValueInfoProto', 'repeated'],
  },
  NodeProto: {
    input: [1, 'string', 'repeated'],
    output: [2, 'string', 'repeated'],
    name: [3, 'string'],
    op_type: [4, 'string'],
    attribute: [5, 'AttributeProto', 'repeated'],
    domain: [7, 'string'],
  },
  AttributeProto: {
    name: [1, 'string'],
    f: [2, 'float'],
    i: [3, 'int64'],
    s: [4, 'bytes'],
    floats: [7, 'float', 'repeated'],
    ints: [8, 'int64', 'repeated'],
    type: [20, 'int32'],
  },
  TensorProto: { dims: [1, 'int64', 'repeated'], data_type: [2, 'int32'], name: [8, 'string'], raw_data: [9, 'bytes'] },
  ValueInfoProto: { name: [1, 'string'], type: [2, 'TypeProto'], doc_string: [3, 'string'] },
  TypeProto: { tensor_type: [1, 'TypeProto.Tensor'] },
  'TypeProto.Tensor': { elem_type: [1, 'int32'], shape: [2, 'TensorShapeProto'] },
  TensorShapeProto: { dim: [1, 'TensorShapeProto.Dimension', 'repeated'] },
  'TensorShapeProto.Dimension': { dim_value: [1, 'int64'], dim_param: [2, 'string'] },
} as const satisfies Record<string, Record<string, Field>>;

export type MessageName = keyof typeof SCHEMA;

/** Protobuf wire types: 0 varint, 2 length-delimited, 5 32-bit. */
const WIRE: Record<Scalar, number> = { int32: 0, int64: 0, string: 2, bytes: 2, float: 5 };

function writeValue(writer: protobuf.Writer, type: string, value: unknown): void {
  switch (type) {
    case 'string': writer.string(value as string); break;
    case 'bytes': writer.bytes(value as Uint8Array); break;
    case 'int32': writer.int32(value as number); break;
    case 'int64': writer.int64(value as number); break;
    case 'float': writer.float(value as number); break;
    default: writeMessage(writer.fork(), type as MessageName, value as Record<string, unknown>).ldelim();
  }
}

/**
 * Writes a message's fields in field-number order (as protobuf's own serialisers do); absent
 * (undefined) fields are left out, repeated ones are written one element at a time, which is how
 * onnx.proto (proto2, no packed option) encodes them.
 */
function writeMessage(writer: protobuf.Writer, name: MessageName, message: Record<string, unknown>): protobuf.Writer {
  const fields = Object.entries(SCHEMA[name] as Record<string, Field>).sort((a, b) => a[1][0] - b[1][0]);
  for (const [key, [id, type, rule]] of fields) {
    const value = message[key];
    if (value === undefined) continue;
    const wire = type in WIRE ? WIRE[type as Scalar] : 2;
    for (const item of rule === 'repeated' ? (value as unknown[]) : [value]) {
      writeValue(writer.uint32((id << 3) | wire), type, item);
    }
  }
  return writer;
}

/**
 * The protobuf encoding of an onnx message, given as a plain object keyed by onnx.proto's field
 * names. protobufjs's Writer does the wire format (varints, zigzag-free int64s, UTF-8, lengths).
 */
export function encodeOnnx(name: MessageName, message: Record<string, unknown>): Uint8Array {
  return writeMessage(new protobuf.Writer(), name, message).finish();
}
