// Tests of the Packaging target: SHA-256 against the FIPS vectors, the canonical JSON, the ustar
// writer (read back by a small reader here), gzip (fixed header, round trip), image references,
// the distroless base, and whole OCI archives: the chain index.json -> manifest -> config ->
// layer with every digest and size checked, multi-platform indexes, and reproducibility.

import Foundation
import Testing

@testable import Packaging

// MARK: - Helpers

/// One entry read back from a tar archive.
struct ReadEntry: Equatable {
    var name: String
    var type: UInt8
    var mode: Int
    var uid: Int
    var gid: Int
    var mtime: Int
    var contents: [UInt8]
}

/// Reads a ustar archive and checks every header's checksum and the end marker.
func readTar(_ bytes: [UInt8]) throws -> [ReadEntry] {
    struct Bad: Error, CustomStringConvertible { let description: String }
    func field(_ header: ArraySlice<UInt8>) -> String {
        String(decoding: header.prefix { $0 != 0 }, as: UTF8.self)
    }
    func octal(_ header: ArraySlice<UInt8>) throws -> Int {
        let text = field(header).trimmingCharacters(in: .whitespaces)
        guard let value = Int(text, radix: 8) else { throw Bad(description: "bad octal '\(text)'") }
        return value
    }
    var entries: [ReadEntry] = []
    var offset = 0
    while true {
        guard offset + 512 <= bytes.count else { throw Bad(description: "truncated archive") }
        let header = bytes[offset..<offset + 512]
        if header.allSatisfy({ $0 == 0 }) {
            guard offset + 1024 == bytes.count, bytes[offset...].allSatisfy({ $0 == 0 }) else {
                throw Bad(description: "the archive does not end with exactly two zero blocks")
            }
            return entries
        }
        var sum = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        guard try octal(header[(offset + 148)..<(offset + 156)]) == sum else { throw Bad(description: "bad checksum") }
        guard field(header[(offset + 257)..<(offset + 263)]) == "ustar" else { throw Bad(description: "no ustar magic") }
        let prefix = field(header[(offset + 345)..<(offset + 500)])
        let suffix = field(header[offset..<(offset + 100)])
        let size = try octal(header[(offset + 124)..<(offset + 136)])
        let entry = ReadEntry(
            name: prefix.isEmpty ? suffix : prefix + "/" + suffix,
            type: header[offset + 156],
            mode: try octal(header[(offset + 100)..<(offset + 108)]),
            uid: try octal(header[(offset + 108)..<(offset + 116)]),
            gid: try octal(header[(offset + 116)..<(offset + 124)]),
            mtime: try octal(header[(offset + 136)..<(offset + 148)]),
            contents: Array(bytes[(offset + 512)..<(offset + 512 + size)]))
        entries.append(entry)
        offset += 512 + (size + 511) / 512 * 512
    }
}

func json(_ bytes: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}

func hexDigest(_ bytes: [UInt8]) -> String { "sha256:" + SHA256.hex(bytes) }

// MARK: - SHA-256

@Suite struct SHA256Tests {
    @Test func fipsVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalUpdatesMatchOneShot() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for split in [0, 1, 55, 56, 63, 64, 65, 127, 128, 999, 1000] {
            var hasher = SHA256()
            hasher.update(Array(data[..<split]))
            hasher.update(Array(data[split...]))
            #expect(hasher.finalize() == SHA256.hash(data), "split at \(split)")
        }
        // Every padding length.
        for length in 50..<70 {
            let bytes = [UInt8](repeating: 0x61, count: length)
            var hasher = SHA256()
            for byte in bytes { hasher.update([byte]) }
            #expect(hasher.finalize() == SHA256.hash(bytes))
        }
    }
}

// MARK: - JSON

@Suite struct JSONTests {
    @Test func canonicalEncoding() {
        let value = JSON.object([
            "b": .array([.int(1), .bool(true), .null]),
            "a": .string("x\"y\\z\n\u{1}/é"),
            "B": .object([:]),
        ])
        #expect(value.text == #"{"B":{},"a":"x\"y\\z\n\u0001/é","b":[1,true,null]}"#)
    }
}

// MARK: - tar

@Suite struct TarTests {
    @Test func headersAndPadding() throws {
        let archive = try Tar.archive([
            .directory("tmp", mode: 0o1777),
            .file("app", [1, 2, 3], mode: 0o755),
            .directory("home/nonroot", mode: 0o700, uid: 65532, gid: 65532),
            TarEntry(path: "link", kind: .symlink(target: "app"), mode: 0o777),
        ], mtime: 1_700_000_000)
        #expect(archive.count == 512 * (4 + 1) + 1024)  // four headers, one data block, the end
        let entries = try readTar(archive)
        #expect(entries.map(\.name) == ["tmp/", "app", "home/nonroot/", "link"])
        #expect(entries[0].type == UInt8(ascii: "5") && entries[0].mode == 0o1777)
        #expect(entries[1].type == UInt8(ascii: "0") && entries[1].mode == 0o755 && entries[1].contents == [1, 2, 3])
        #expect(entries[2].uid == 65532 && entries[2].gid == 65532 && entries[2].mode == 0o700)
        #expect(entries[3].type == UInt8(ascii: "2"))
        #expect(entries.allSatisfy { $0.mtime == 1_700_000_000 })
    }

    @Test func longNamesUseThePrefixField() throws {
        let directory = String(repeating: "d", count: 120)
        let name = directory + "/" + String(repeating: "f", count: 90)
        let entries = try readTar(try Tar.archive([.file(name, Array("x".utf8))]))
        #expect(entries.map(\.name) == [name])
        #expect(throws: PackagingError.pathTooLong(String(repeating: "n", count: 101))) {
            try Tar.archive([.file(String(repeating: "n", count: 101), [])])
        }
    }

    @Test func rejectsBadPaths() {
        for path in ["", "/etc/passwd", "a/../b", "a//b", "dir/"] {
            #expect(throws: PackagingError.invalidPath(path)) { try Tar.archive([.file(path, [])]) }
        }
        #expect(throws: PackagingError.duplicatePath("a")) { try Tar.archive([.file("a", []), .directory("a")]) }
    }

    @Test func systemTarReadsIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("w2n-tar-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let archive = try Tar.archive([.directory("etc"), .file("etc/hello", Array("hi\n".utf8))])
        let path = directory.appendingPathComponent("t.tar")
        try Data(archive).write(to: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "-xf", path.path, "-C", directory.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try String(contentsOf: directory.appendingPathComponent("etc/hello"), encoding: .utf8) == "hi\n")
    }
}

// MARK: - gzip

@Suite struct GzipTests {
    @Test func fixedHeaderAndRoundTrip() throws {
        let input = Array(String(repeating: "wasm2native ", count: 2000).utf8) + (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let compressed = try Gzip.compress(input)
        #expect(Array(compressed.prefix(10)) == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255])
        #expect(compressed.count < input.count / 2)
        #expect(try Gzip.decompress(compressed) == input)
        #expect(try Gzip.compress(input) == compressed)
        #expect(try Gzip.decompress(try Gzip.compress([])) == [])
        // The trailer: CRC-32 and length, little-endian.
        let length = compressed.suffix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length == input.count)
    }

    @Test func corruptInputIsAnError() throws {
        var compressed = try Gzip.compress(Array("hello hello hello".utf8))
        compressed[compressed.count - 6] ^= 0xFF  // the CRC
        #expect(throws: PackagingError.self) { try Gzip.decompress(compressed) }
    }
}

// MARK: - References

@Suite struct ReferenceTests {
    @Test func validReferences() throws {
        #expect(try ImageReference("localhost/app:1.0").description == "localhost/app:1.0")
        #expect(try ImageReference("localhost/app").description == "localhost/app:latest")
        #expect(try ImageReference("registry.example.com:5000/team/httpbin:v1.2_3").tag == "v1.2_3")
        #expect(try ImageReference("registry.example.com:5000/team/httpbin").repository == "registry.example.com:5000/team/httpbin")
        #expect(try ImageReference("app").description == "app:latest")
        #expect(try ImageReference("Registry.Example.com/a.b_c-d:X").tag == "X")
    }

    @Test func invalidReferences() {
        for text in ["", "localhost/App:1", "localhost/app:", "localhost//app", "app@sha256:00", "app:-x", "-app", "localhost/app:a/b"] {
            #expect(throws: PackagingError.self, "\(text)") { try ImageReference(text) }
        }
    }
}

// MARK: - Images

@Suite struct OCIImageTests {
    static let executable = Array("\u{7f}ELF pretend executable".utf8) + [UInt8](repeating: 0x90, count: 5000)
    static let ca = Array("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8)

    static func configuration() -> ImageConfiguration {
        var configuration = ImageConfiguration()
        configuration.env = ["PORT=3000"]
        configuration.exposedPorts = ["3000/tcp"]
        return configuration
    }

    static func image(_ platform: Platform, ca: [UInt8]? = OCIImageTests.ca) -> PlatformImage {
        PlatformImage(platform: platform, entries: StaticBase.entries(executable: executable, caCertificates: ca),
                      configuration: configuration())
    }

    /// The archive's files by name, with oci-layout and every blob's digest checked.
    static func files(of archive: OCIArchive) throws -> [String: [UInt8]] {
        let entries = try readTar(archive.bytes)
        #expect(entries.map(\.name) == entries.map(\.name).sorted())
        #expect(entries.allSatisfy { $0.mtime == 0 && $0.uid == 0 && $0.gid == 0 })
        var files: [String: [UInt8]] = [:]
        for entry in entries where entry.type == UInt8(ascii: "0") { files[entry.name] = entry.contents }
        let layout = try #require(files["oci-layout"])
        #expect(try json(layout)["imageLayoutVersion"] as? String == "1.0.0")
        for (name, contents) in files where name.hasPrefix("blobs/sha256/") {
            #expect("blobs/sha256/" + SHA256.hex(contents) == name)
        }
        return files
    }

    static func blob(_ descriptor: [String: Any], in files: [String: [UInt8]]) throws -> [UInt8] {
        let digest = try #require(descriptor["digest"] as? String)
        let bytes = try #require(files["blobs/sha256/" + digest.dropFirst(7)])
        #expect(descriptor["size"] as? Int == bytes.count)
        return bytes
    }

    @Test func singlePlatformArchive() throws {
        let reference = try ImageReference("localhost/app:1.0")
        let archive = try OCIImageWriter.archive(reference: reference, images: [Self.image(.linuxAMD64)])
        let files = try Self.files(of: archive)

        let indexBytes = try #require(files["index.json"])
        let index = try json(indexBytes)
        #expect(index["schemaVersion"] as? Int == 2)
        let top = try #require((index["manifests"] as? [[String: Any]])?.first)
        let annotations = try #require(top["annotations"] as? [String: String])
        #expect(annotations["org.opencontainers.image.ref.name"] == "localhost/app:1.0")
        #expect(top["mediaType"] as? String == MediaType.manifest)
        #expect(top["digest"] as? String == archive.digest)

        let manifest = try json(Self.blob(top, in: files))
        #expect(manifest["mediaType"] as? String == MediaType.manifest)
        let configDescriptor = try #require(manifest["config"] as? [String: Any])
        #expect(configDescriptor["mediaType"] as? String == MediaType.config)
        let config = try json(Self.blob(configDescriptor, in: files))
        #expect(config["architecture"] as? String == "amd64")
        #expect(config["os"] as? String == "linux")
        #expect(config["created"] as? String == "1970-01-01T00:00:00Z")
        let runtime = try #require(config["config"] as? [String: Any])
        #expect(runtime["User"] as? String == "65532")
        #expect(runtime["Entrypoint"] as? [String] == ["/app"])
        #expect(runtime["Env"] as? [String] == ["PORT=3000"])
        #expect((runtime["ExposedPorts"] as? [String: Any])?.keys.sorted() == ["3000/tcp"])

        let layers = try #require(manifest["layers"] as? [[String: Any]])
        #expect(layers.count == 1)
        #expect(layers[0]["mediaType"] as? String == MediaType.layerGzip)
        let layer = try Self.blob(layers[0], in: files)
        let tar = try Gzip.decompress(layer)
        let rootfs = try #require(config["rootfs"] as? [String: Any])
        #expect(rootfs["diff_ids"] as? [String] == [hexDigest(tar)])

        let entries = try readTar(tar)
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
        #expect(entries.map(\.name) == [
            "app", "etc/", "etc/group", "etc/passwd", "etc/ssl/", "etc/ssl/certs/", "etc/ssl/certs/ca-certificates.crt",
            "home/", "home/nonroot/", "root/", "tmp/",
        ])
        #expect(byName["app"]?.contents == Self.executable && byName["app"]?.mode == 0o755 && byName["app"]?.uid == 0)
        #expect(byName["tmp/"]?.mode == 0o1777)
        #expect(byName["home/nonroot/"]?.uid == 65532 && byName["home/nonroot/"]?.gid == 65532)
        #expect(byName["etc/ssl/certs/ca-certificates.crt"]?.contents == Self.ca)
        let passwdEntry = try #require(byName["etc/passwd"])
        let passwd = String(decoding: passwdEntry.contents, as: UTF8.self)
        #expect(passwd.contains("nonroot:x:65532:65532:"))
        let groupEntry = try #require(byName["etc/group"])
        let group = String(decoding: groupEntry.contents, as: UTF8.self)
        #expect(group.contains("nonroot:x:65532:"))

        // Docker's manifest.json points at the same blobs.
        let dockerBytes = try #require(files["manifest.json"])
        let docker = try #require(try JSONSerialization.jsonObject(with: Data(dockerBytes)) as? [[String: Any]])
        #expect(docker.first?["RepoTags"] as? [String] == ["localhost/app:1.0"])
        #expect(docker.first?["Config"] as? String == "blobs/sha256/" + (configDescriptor["digest"] as! String).dropFirst(7))

        #expect(archive.manifests.count == 1)
        #expect(archive.manifests[0].layerSize == layer.count)
        #expect(archive.manifests[0].layerUncompressedSize == tar.count)
    }

    @Test func withoutCACertificates() throws {
        let archive = try OCIImageWriter.archive(reference: try ImageReference("localhost/app:1.0"), images: [Self.image(.linuxAMD64, ca: nil)])
        let files = try Self.files(of: archive)
        let layerName = "blobs/sha256/" + archive.manifests[0].layerDigest.dropFirst(7)
        let layer = try #require(files[layerName])
        let names = try readTar(Gzip.decompress(layer)).map(\.name)
        #expect(!names.contains { $0.hasPrefix("etc/ssl") })
        #expect(names.contains("etc/passwd"))
    }

    @Test func multiPlatformIndex() throws {
        let archive = try OCIImageWriter.archive(
            reference: try ImageReference("localhost/app:1.0"), images: [Self.image(.linuxAMD64), Self.image(.linuxARM64)])
        #expect(archive.mediaType == MediaType.index)
        let files = try Self.files(of: archive)
        #expect(files["manifest.json"] == nil)
        let indexBytes = try #require(files["index.json"])
        let top = try #require((try json(indexBytes)["manifests"] as? [[String: Any]])?.first)
        #expect(top["mediaType"] as? String == MediaType.index)
        #expect((top["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == "localhost/app:1.0")
        let nested = try json(Self.blob(top, in: files))
        let manifests = try #require(nested["manifests"] as? [[String: Any]])
        #expect(manifests.compactMap { ($0["platform"] as? [String: String])?["architecture"] } == ["amd64", "arm64"])
        for (descriptor, architecture) in zip(manifests, ["amd64", "arm64"]) {
            let manifest = try json(Self.blob(descriptor, in: files))
            let configDescriptor = try #require(manifest["config"] as? [String: Any])
            let config = try json(Self.blob(configDescriptor, in: files))
            #expect(config["architecture"] as? String == architecture)
        }
        #expect(throws: PackagingError.self) {
            try OCIImageWriter.archive(reference: try ImageReference("a"), images: [Self.image(.linuxAMD64), Self.image(.linuxAMD64)])
        }
    }

    @Test func reproducible() throws {
        let reference = try ImageReference("localhost/app:1.0")
        let first = try OCIImageWriter.archive(reference: reference, images: [Self.image(.linuxAMD64), Self.image(.linuxARM64)])
        let second = try OCIImageWriter.archive(reference: reference, images: [Self.image(.linuxAMD64), Self.image(.linuxARM64)])
        #expect(first.bytes == second.bytes)
        #expect(first.digest == second.digest)
        // Any change of input changes the digest; the timestamp reaches the config and the tars.
        let later = try OCIImageWriter.archive(reference: reference, images: [Self.image(.linuxAMD64), Self.image(.linuxARM64)], created: 1_700_000_000)
        #expect(later.digest != first.digest)
        let files = try readTar(later.bytes)
        #expect(files.allSatisfy { $0.mtime == 1_700_000_000 })
    }

    @Test func timestamps() {
        #expect(rfc3339(0) == "1970-01-01T00:00:00Z")
        #expect(rfc3339(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(rfc3339(1_700_000_000) == "2023-11-14T22:13:20Z")
        #expect(rfc3339(4_102_444_799) == "2099-12-31T23:59:59Z")
    }
}
