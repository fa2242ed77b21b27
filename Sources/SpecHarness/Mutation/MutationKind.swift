// The kinds of mutation the robustness run applies.

/// One way of damaging a module.
package enum MutationKind: String, CaseIterable, Sendable {
    /// Flip 1–4 random bits.
    case bitFlip = "bit-flip"
    /// Overwrite 1–4 bytes with random or boundary values (0x00, 0x7f, 0x80, 0xff, ...).
    case byteSet = "byte-set"
    /// Cut the module at a random point.
    case truncate
    /// Re-encode a LEB128 (a section size, a count, or one inside a section) with extra 0x80
    /// continuation bytes: up to 5 bytes is still a legal u32, more is "integer representation too long".
    case overlongLEB = "overlong-leb"
    /// Insert `ff ff ff ff 0f` (0xFFFFFFFF as a 5-byte LEB128) at a random point.
    case insertHugeLEB = "insert-ff-leb"
    /// Replace a vector count or a section size with a huge LEB128 (0xFFFFFFFF, 0x7FFFFFFF, ...).
    case hugeCount = "huge-count"
    /// Insert 1–8 random bytes.
    case insertBytes = "insert-bytes"
    /// Delete 1–8 bytes.
    case deleteBytes = "delete-bytes"
    /// Repeat a section (right after itself or elsewhere).
    case duplicateSection = "duplicate-section"
    /// Swap two sections.
    case swapSections = "swap-sections"
    /// Remove a section.
    case dropSection = "drop-section"
    /// Join the start of one module to the end of another (by sections or by bytes).
    case splice
}
