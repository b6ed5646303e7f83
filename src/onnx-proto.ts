// The part of ONNX's schema that an exported model uses, as a protobufjs JSON description, so
// that protobufjs does the wire encoding. Field names and numbers follow onnx/onnx.proto (IR
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
import protobuf from 'protobufjs/light.js';

/** TensorProto.DataType values used here. */
export const DATA_TYPE = { FLOAT: 1, INT64: 7, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values used here. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

const field = (type: string, id: number, rule?: 'repeated'): { type: string; id: number; rule?: string } =>
  (rule === undefined ? { type, id } : { type, id, rule });

const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: field('int64', 1),
            producer_name: field('string', 2),
            producer_version: field('string', 3),
            doc_string: field('string', 6),
            graph: field('GraphProto', 7),
            opset_import: field('OperatorSetIdProto', 8, 'repeated'),
            metadata_props: field('StringStringEntryProto', 14, 'repeated'),
          },
        },
        OperatorSetIdProto: { fields: { domain: field('string', 1), version: field('int64', 2) } },
        StringStringEntryProto: { fields: { key: field('string', 1), value: field('string', 2) } },
        GraphProto: {
          fields: {
            node: field('NodeProto', 1, 'repeated'),
            name: field('string', 2),
            initializer: field('TensorProto', 5, 'repeated'),
            doc_string: field('string', 10),
            input: field('ValueInfoProto', 11, 'repeated'),
            output: field('ValueInfoProto', 12, 'repeated'),
          },
        },
        NodeProto: {
          fields: {
            input: field('string', 1, 'repeated'),
            output: field('string', 2, 'repeated'),
            name: field('string', 3),
            op_type: field('string', 4),
            attribute: field('AttributeProto', 5, 'repeated'),
            domain: field('string', 7),
          },
        },
        AttributeProto: {
          fields: {
            name: field('string', 1),
            f: field('float', 2),
            i: field('int64', 3),
            s: field('bytes', 4),
            floats: field('float', 7, 'repeated'),
            ints: field('int64', 8, 'repeated'),
            type: field('int32', 20),
          },
        },
        TensorProto: {
          fields: {
            dims: field('int64', 1, 'repeated'),
            data_type: field('int32', 2),
            name: field('string', 8),
            raw_data: field('bytes', 9),
          },
        },
        ValueInfoProto: { fields: { name: field('string', 1), type: field('TypeProto', 2), doc_string: field('string', 3) } },
        TypeProto: {
          fields: { tensor_type: field('TypeProto.Tensor', 1) },
          nested: { Tensor: { fields: { elem_type: field('int32', 1), shape: field('TensorShapeProto', 2) } } },
        },
        TensorShapeProto: {
          fields: { dim: field('TensorShapeProto.Dimension', 1, 'repeated') },
          nested: { Dimension: { fields: { dim_value: field('int64', 1), dim_param: field('string', 2) } } },
        },
      },
    },
  },
};

let modelProto: protobuf.Type | undefined;

/** onnx.ModelProto, built from the description on first use. */
export function onnxModelProto(): protobuf.Type {
  modelProto ??= protobuf.Root.fromJSON(SCHEMA).lookupType('onnx.ModelProto');
  return modelProto;
}
