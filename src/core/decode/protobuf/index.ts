// Protobuf: registers the codec, and exports what the host and the command line need to load schemas.
import './protobufCodec';

export { type LoadedProtoSchemas, type LoadProtoOptions, type ProtoFileReader, loadProtoSchemas, ProtoSchemas } from './protoSchemas';
export { formatDecodeRaw } from './rawDecode';
