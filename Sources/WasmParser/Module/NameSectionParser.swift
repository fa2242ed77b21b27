// The `name` custom section. <https://webassembly.github.io/spec/core/appendix/custom.html#name-section>

/// Decodes the payload of a `name` custom section.
enum NameSectionParser {
    static func parse(_ reader: inout ByteReader) throws(WasmParserError) -> NameSection {
        var names = NameSection()
        var lastID: Int = -1
        while !reader.isAtEnd {
            let start = reader.position
            let id = Int(try reader.readByte())
            let size = Int(try reader.readVarUInt32())
            guard size <= reader.remaining else { throw reader.unexpectedEnd() }
            guard id > lastID else { throw .malformed("name subsections out of order", at: start) }
            lastID = id
            var sub = reader
            sub.limit = reader.position + size
            switch id {
            case 0:
                names.moduleName = try sub.readName()
            case 1:
                names.functionNames = try readNameMap(&sub)
            case 2:
                let count = try sub.readVectorCount()
                for _ in 0..<count {
                    let function = try sub.readVarUInt32()
                    names.localNames[function] = try readNameMap(&sub)
                }
            default:
                sub.position = sub.limit  // other subsections (labels, types, ...) are not needed
            }
            guard sub.position == sub.limit else { throw .malformed("section size mismatch", at: sub.position) }
            reader.position = sub.limit
        }
        return names
    }

    static func readNameMap(_ reader: inout ByteReader) throws(WasmParserError) -> [UInt32: String] {
        let count = try reader.readVectorCount(minimumElementSize: 2)
        var map: [UInt32: String] = [:]
        map.reserveCapacity(count)
        for _ in 0..<count {
            let index = try reader.readVarUInt32()
            map[index] = try reader.readName()
        }
        return map
    }
}
