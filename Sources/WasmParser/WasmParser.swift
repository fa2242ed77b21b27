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

extension Module {
    /// Streams the instructions of the `index`-th defined function (0 is the first function after
    /// the imports) to `visitor`, the final `end` included. The module must have been validated.
    public func visitInstructions<V: InstructionVisitor>(
        ofDefinedFunction index: Int, visitor: inout V
    ) throws(WasmParserError) {
        let body = functionBodies[index]
        let features = self.features
        try withByteReader(bytes) { (reader: inout ByteReader) throws(WasmParserError) in
            reader.position = body.instructionRange.lowerBound
            reader.limit = body.instructionRange.upperBound
            var decoder = ExpressionDecoder(reader: reader, features: features)
            while !decoder.reader.isAtEnd {
                try decoder.decodeInstruction(into: &visitor)
            }
        }
    }
}
