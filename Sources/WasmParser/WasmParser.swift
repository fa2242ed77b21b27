// The public entry points: decode a module, or decode and validate it.

/// Decodes a module's binary without validating it: errors are malformed-ness, plus
/// "constant expression required" for non-constant instructions in constant expressions.
/// Function bodies are framed but not decoded.
public func decodeModule(_ bytes: [UInt8], features: WasmFeatureSet = .wasm2) throws(WasmParserError) -> Module {
    try decode(bytes, features: features).module
}

/// Decodes and validates a module, function bodies included. The result is a valid module that
/// engines may translate without further checks.
public func validateModule(_ bytes: [UInt8], features: WasmFeatureSet = .wasm2) throws(WasmParserError) -> Module {
    let parser = try decode(bytes, features: features)
    try ModuleValidator(module: parser.module, declaredFunctionReferences: parser.declaredFunctionReferences).validate()
    return parser.module
}

private func decode(_ bytes: [UInt8], features: WasmFeatureSet) throws(WasmParserError) -> ModuleParser {
    try withByteReader(bytes) { (reader: inout ByteReader) throws(WasmParserError) in
        var parser = ModuleParser(reader: reader, bytes: bytes, features: features)
        _ = try parser.parse()
        return parser
    }
}
