// A minimal splitter of a module binary into sections, and of the code section into function
// bodies, for mutations that work on structure (swap, duplicate, resize) rather than raw bytes.
// It reads only ids and LEB128 sizes, never section contents.

/// LEB128 reading and writing for mutations.
package enum MutationLEB {
    /// An unsigned LEB128 at `offset`: its value (low 64 bits) and byte length; `nil` when the bytes
    /// end before the last byte, or after 10 bytes.
    package static func read(_ bytes: [UInt8], at offset: Int) -> (value: UInt64, length: Int)? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while index < bytes.count && index - offset < 10 {
            let byte = bytes[index]
            if shift < 64 { value |= UInt64(byte & 0x7f) << shift }
            index += 1
            if byte & 0x80 == 0 { return (value, index - offset) }
            shift += 7
        }
        return nil
    }

    /// The unsigned LEB128 of `value`, padded with continuation bytes to at least `minimumLength`.
    package static func encode(_ value: UInt64, minimumLength: Int = 1) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        repeat {
            var byte = UInt8(rest & 0x7f)
            rest >>= 7
            if rest != 0 || bytes.count + 1 < minimumLength { byte |= 0x80 }
            bytes.append(byte)
        } while rest != 0 || bytes.count < minimumLength
        return bytes
    }
}

/// A module split into its header, sections and any bytes that did not parse as a section.
package struct WasmSections: Sendable {
    /// One section: id and content (the size is recomputed when writing).
    package struct Section: Sendable {
        /// The section id.
        package var id: UInt8
        /// The bytes after the size.
        package var content: [UInt8]
    }

    /// The first 8 bytes (magic and version), or fewer when the module is that short.
    package var header: [UInt8]
    /// The sections in order.
    package var sections: [Section]
    /// Bytes after the last well-formed section (a truncated or garbled tail).
    package var tail: [UInt8]

    /// Splits `bytes`; stops at the first section whose size runs past the end.
    package init(_ bytes: [UInt8]) {
        header = Array(bytes.prefix(8))
        sections = []
        var offset = header.count
        while offset < bytes.count {
            guard let size = MutationLEB.read(bytes, at: offset + 1), size.value <= UInt64(bytes.count),
                offset + 1 + size.length + Int(size.value) <= bytes.count
            else { break }
            let start = offset + 1 + size.length
            sections.append(Section(id: bytes[offset], content: Array(bytes[start..<start + Int(size.value)])))
            offset = start + Int(size.value)
        }
        tail = Array(bytes[offset...])
    }

    /// The module bytes, each section size encoded minimally.
    package var bytes: [UInt8] {
        var bytes = header
        for section in sections {
            bytes.append(section.id)
            bytes += MutationLEB.encode(UInt64(section.content.count))
            bytes += section.content
        }
        return bytes + tail
    }

    /// The index of the code section (id 10), if any.
    package var codeSectionIndex: Int? {
        sections.firstIndex { $0.id == 10 }
    }
}

/// A code section's content split into its function bodies.
package struct CodeBodies: Sendable {
    /// The function bodies (locals and expression), sizes stripped.
    package var bodies: [[UInt8]]
    /// Bytes after the last well-formed body.
    package var tail: [UInt8]

    /// Splits a code section's content; `nil` when its count does not parse.
    package init?(_ content: [UInt8]) {
        guard let count = MutationLEB.read(content, at: 0) else { return nil }
        var offset = count.length
        bodies = []
        while bodies.count < Int(min(count.value, 1 << 20)), offset < content.count {
            guard let size = MutationLEB.read(content, at: offset), size.value <= UInt64(content.count),
                offset + size.length + Int(size.value) <= content.count
            else { break }
            let start = offset + size.length
            bodies.append(Array(content[start..<start + Int(size.value)]))
            offset = start + Int(size.value)
        }
        tail = Array(content[offset...])
    }

    /// The section content with the body count and sizes re-encoded.
    package var content: [UInt8] {
        var bytes = MutationLEB.encode(UInt64(bodies.count))
        for body in bodies {
            bytes += MutationLEB.encode(UInt64(body.count))
            bytes += body
        }
        return bytes + tail
    }
}
