// Builds small binary modules for tests, section by section (shared by the test targets).

/// Encodes `value` as unsigned LEB128.
public func uleb(_ value: UInt64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    repeat {
        var byte = UInt8(value & 0x7F)
        value >>= 7
        if value != 0 { byte |= 0x80 }
        bytes.append(byte)
    } while value != 0
    return bytes
}

/// Encodes `value` as signed LEB128.
public func sleb(_ value: Int64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    while true {
        let byte = UInt8(value & 0x7F)
        value >>= 7
        if (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0) {
            bytes.append(byte)
            return bytes
        }
        bytes.append(byte | 0x80)
    }
}

/// A length-prefixed name.
public func name(_ text: String) -> [UInt8] {
    uleb(UInt64(text.utf8.count)) + Array(text.utf8)
}

/// A section: id, size, payload.
public func section(_ id: UInt8, _ payload: [UInt8]) -> [UInt8] {
    [id] + uleb(UInt64(payload.count)) + payload
}

/// A vector: count, then the concatenated items.
public func vector(_ items: [[UInt8]]) -> [UInt8] {
    uleb(UInt64(items.count)) + items.flatMap { $0 }
}

public let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

/// A module with one function type `params -> results`, one function of that type with `body`
/// (instructions, without the final `end`) and `locals`, plus extra sections placed after the
/// code section.
public func moduleWithFunction(
    params: [UInt8] = [], results: [UInt8] = [], locals: [[UInt8]] = [], body: [UInt8],
    memory: Bool = false
) -> [UInt8] {
    var bytes = header
    bytes += section(1, vector([[0x60] + vector(params.map { [$0] }) + vector(results.map { [$0] })]))
    bytes += section(3, vector([[0x00]]))
    if memory { bytes += section(5, vector([[0x00, 0x01]])) }
    let code = vector(locals) + body + [0x0B]
    bytes += section(10, vector([uleb(UInt64(code.count)) + code]))
    return bytes
}
