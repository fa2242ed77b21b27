// OCI image archives (image-spec v1.1 layout in a tar), written without a daemon or a base image.
//
// One platform:   index.json ─► manifest ─► config + one gzip layer
// Several:        index.json ─► image index ─► one manifest per platform ─► config + layer
//
// index.json's entry carries the full reference in `org.opencontainers.image.ref.name` (which
// `skopeo ... oci-archive:FILE` and `ctr images import` read) and `io.containerd.image.name`
// (which containerd's own exports carry). A single-platform archive also has Docker's
// manifest.json, so that `docker load` of Docker releases before OCI-layout support accepts it.
//
// Reproducible: documents are canonical JSON (JSON.swift), the layer is a sorted deterministic tar
// (Tar.swift) with a fixed gzip header (Gzip.swift), all timestamps are `created` (default the
// epoch), and the outer tar is written the same way. Same inputs, same bytes, same digests.

/// An OCI platform.
public struct Platform: Sendable, Equatable, Hashable {
    public var os: String
    public var architecture: String
    public var variant: String?

    public init(os: String = "linux", architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    public static let linuxAMD64 = Platform(architecture: "amd64")
    public static let linuxARM64 = Platform(architecture: "arm64")

    var json: JSON {
        var members: [String: JSON] = ["os": .string(os), "architecture": .string(architecture)]
        if let variant { members["variant"] = .string(variant) }
        return .object(members)
    }

    public var description: String { "\(os)/\(architecture)" + (variant.map { "/\($0)" } ?? "") }
}

/// The runtime configuration of an image (the `config` object of the image config).
public struct ImageConfiguration: Sendable, Equatable {
    /// The user the entrypoint runs as ("65532", distroless's `nonroot`).
    public var user: String = String(StaticBase.nonrootUID)
    public var entrypoint: [String] = ["/app"]
    public var cmd: [String] = []
    /// NAME=VALUE entries.
    public var env: [String] = []
    /// "PORT/PROTOCOL" entries ("3000/tcp").
    public var exposedPorts: [String] = []
    public var workingDir: String = "/"
    public var labels: [String: String] = [:]

    public init() {}

    var json: JSON {
        var members: [String: JSON] = [
            "User": .string(user),
            "Entrypoint": .array(entrypoint.map(JSON.string)),
            "WorkingDir": .string(workingDir),
        ]
        if !cmd.isEmpty { members["Cmd"] = .array(cmd.map(JSON.string)) }
        if !env.isEmpty { members["Env"] = .array(env.map(JSON.string)) }
        if !exposedPorts.isEmpty {
            members["ExposedPorts"] = .object(Dictionary(exposedPorts.map { ($0, JSON.object([:])) }, uniquingKeysWith: { a, _ in a }))
        }
        if !labels.isEmpty { members["Labels"] = .object(labels.mapValues(JSON.string)) }
        return .object(members)
    }
}

/// The image of one platform: one layer's entries and the configuration.
public struct PlatformImage: Sendable {
    public var platform: Platform
    public var entries: [TarEntry]
    public var configuration: ImageConfiguration

    public init(platform: Platform, entries: [TarEntry], configuration: ImageConfiguration) {
        self.platform = platform
        self.entries = entries
        self.configuration = configuration
    }
}

/// A validated image reference: `[HOST[:PORT]/]PATH[:TAG]`, the tag `latest` when none is given.
public struct ImageReference: Sendable, Equatable, CustomStringConvertible {
    public let repository: String
    public let tag: String

    public var description: String { "\(repository):\(tag)" }

    public init(_ text: String) throws(PackagingError) {
        guard !text.contains("@") else { throw .invalidReference("'\(text)': digests are not allowed, give a tag") }
        var repository = text
        var tag = "latest"
        if let colon = text.lastIndex(of: ":"), !text[colon...].contains("/") {
            repository = String(text[..<colon])
            tag = String(text[text.index(after: colon)...])
        }
        let tagBytes = Array(tag.utf8)
        guard (1...128).contains(tagBytes.count), tagBytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }),
              tagBytes[0] != UInt8(ascii: "."), tagBytes[0] != UInt8(ascii: "-")
        else { throw .invalidReference("'\(text)': a tag is 1 to 128 letters, digits, '_', '.' or '-'") }
        var components = repository.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !repository.isEmpty, !components.contains(where: \.isEmpty) else {
            throw .invalidReference("'\(text)': empty repository name or path component")
        }
        // A first component with a dot or a port, or `localhost`, is a registry host.
        if components.count > 1, let host = components.first,
           host.contains(".") || host.contains(":") || host == "localhost" {
            guard host.utf8.allSatisfy({ isAlphanumeric($0) || [UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":")].contains($0) })
            else { throw .invalidReference("'\(text)': bad registry host '\(host)'") }
            components.removeFirst()
        }
        for component in components {
            let bytes = Array(component.utf8)
            guard bytes.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }),
                  let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last)
            else { throw .invalidReference("'\(text)': path component '\(component)' must be lowercase letters, digits and separators (. _ -)") }
        }
        self.repository = repository
        self.tag = tag
    }
}

private func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
}

/// What was written for one platform.
public struct ManifestSummary: Sendable {
    public let platform: Platform
    public let manifestDigest: String
    public let manifestSize: Int
    public let configDigest: String
    public let configSize: Int
    public let layerDigest: String
    /// The gzip layer as pushed and pulled.
    public let layerSize: Int
    /// The layer's tar (what the image takes unpacked, plus tar headers).
    public let layerUncompressedSize: Int
    /// The layer's diff id (digest of the uncompressed tar).
    public let diffID: String

    /// What a registry stores for this platform: manifest, config and layer.
    public var totalSize: Int { manifestSize + configSize + layerSize }
}

/// A written archive.
public struct OCIArchive: Sendable {
    /// The archive's bytes (a tar holding an OCI image layout).
    public let bytes: [UInt8]
    public let reference: ImageReference
    /// The digest index.json points to: the manifest (one platform) or the image index.
    public let digest: String
    public let mediaType: String
    public let manifests: [ManifestSummary]
}

public enum MediaType {
    public static let index = "application/vnd.oci.image.index.v1+json"
    public static let manifest = "application/vnd.oci.image.manifest.v1+json"
    public static let config = "application/vnd.oci.image.config.v1+json"
    public static let layerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
}

public enum OCIImageWriter {
    /// Builds the archive of `images` (one per platform, distinct platforms) tagged `reference`.
    /// `created` (seconds since the epoch) is the image's creation time and every tar entry's mtime.
    public static func archive(
        reference: ImageReference, images: [PlatformImage], created: Int = 0, createdBy: String = "wasm2native image"
    ) throws(PackagingError) -> OCIArchive {
        guard !images.isEmpty else { throw .invalidOption("an image needs at least one platform") }
        guard Set(images.map(\.platform)).count == images.count else {
            throw .invalidOption("two images for the same platform")
        }
        var blobs: [String: [UInt8]] = [:]  // hex digest -> bytes
        func store(_ bytes: [UInt8]) -> (digest: String, size: Int) {
            let hex = SHA256.hex(bytes)
            blobs[hex] = bytes
            return ("sha256:" + hex, bytes.count)
        }
        let timestamp = rfc3339(created)

        var summaries: [ManifestSummary] = []
        var descriptors: [JSON] = []
        for image in images {
            let entries = image.entries.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
            let tar = try Tar.archive(entries, mtime: created)
            let diffID = "sha256:" + SHA256.hex(tar)
            let layer = store(try Gzip.compress(tar))
            let config = JSON.object([
                "created": .string(timestamp),
                "architecture": .string(image.platform.architecture),
                "os": .string(image.platform.os),
                "config": image.configuration.json,
                "rootfs": .object(["type": .string("layers"), "diff_ids": .array([.string(diffID)])]),
                "history": .array([.object(["created": .string(timestamp), "created_by": .string(createdBy)])]),
            ].merging(image.platform.variant.map { ["variant": JSON.string($0)] } ?? [:]) { a, _ in a })
            let configBlob = store(config.bytes)
            let manifest = JSON.object([
                "schemaVersion": .int(2),
                "mediaType": .string(MediaType.manifest),
                "config": descriptor(MediaType.config, configBlob),
                "layers": .array([descriptor(MediaType.layerGzip, layer)]),
            ])
            let manifestBlob = store(manifest.bytes)
            summaries.append(ManifestSummary(
                platform: image.platform, manifestDigest: manifestBlob.digest, manifestSize: manifestBlob.size,
                configDigest: configBlob.digest, configSize: configBlob.size, layerDigest: layer.digest,
                layerSize: layer.size, layerUncompressedSize: tar.count, diffID: diffID))
            descriptors.append(descriptor(MediaType.manifest, manifestBlob, platform: image.platform))
        }

        let name = reference.description
        let annotations: JSON = .object([
            "org.opencontainers.image.ref.name": .string(name),
            "io.containerd.image.name": .string(name),
        ])
        let top: (digest: String, size: Int)
        let topMediaType: String
        if images.count == 1 {
            top = (summaries[0].manifestDigest, summaries[0].manifestSize)
            topMediaType = MediaType.manifest
        } else {
            let index = JSON.object([
                "schemaVersion": .int(2),
                "mediaType": .string(MediaType.index),
                "manifests": .array(descriptors),
            ])
            top = store(index.bytes)
            topMediaType = MediaType.index
        }
        var topDescriptor = descriptor(topMediaType, top)
        if case .object(var members) = topDescriptor {
            members["annotations"] = annotations
            topDescriptor = .object(members)
        }
        let indexJSON = JSON.object([
            "schemaVersion": .int(2),
            "mediaType": .string(MediaType.index),
            "manifests": .array([topDescriptor]),
        ])

        var files: [TarEntry] = [
            .directory("blobs"),
            .directory("blobs/sha256"),
            .file("oci-layout", JSON.object(["imageLayoutVersion": .string("1.0.0")]).bytes),
            .file("index.json", indexJSON.bytes),
        ]
        if images.count == 1 {
            let docker = JSON.array([.object([
                "Config": .string("blobs/sha256/" + hexPart(summaries[0].configDigest)),
                "RepoTags": .array([.string(name)]),
                "Layers": .array([.string("blobs/sha256/" + hexPart(summaries[0].layerDigest))]),
            ])])
            files.append(.file("manifest.json", docker.bytes))
        }
        for (hex, bytes) in blobs { files.append(.file("blobs/sha256/" + hex, bytes)) }
        files.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        let archive = try Tar.archive(files, mtime: created)
        return OCIArchive(bytes: archive, reference: reference, digest: top.digest, mediaType: topMediaType, manifests: summaries)
    }

    private static func descriptor(_ mediaType: String, _ blob: (digest: String, size: Int), platform: Platform? = nil) -> JSON {
        var members: [String: JSON] = ["mediaType": .string(mediaType), "digest": .string(blob.digest), "size": .int(blob.size)]
        if let platform { members["platform"] = platform.json }
        return .object(members)
    }

    private static func hexPart(_ digest: String) -> String { String(digest.dropFirst("sha256:".count)) }
}

/// `seconds` since the epoch as an RFC 3339 UTC timestamp ("1970-01-01T00:00:00Z").
func rfc3339(_ seconds: Int) -> String {
    let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
    let secondOfDay = seconds - days * 86400
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let year4 = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
    return "\(year4)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
}
