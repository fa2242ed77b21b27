// `wasm2native image app.wasm -o app.oci.tar --tag localhost/app:1.0`: compile a module and
// package it as an OCI image archive, with no daemon and no base image.

import ArgumentParser
import Codegen
import Foundation
import Lowering
import Packaging
import WasmParser

/// Compiles a module for one or more targets and writes an OCI image archive.
public struct ImageCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Compile a WebAssembly module into an OCI image archive (no daemon, no base image).",
        discussion: """
            The image has one layer: the static executable at /app (the entrypoint), and what a \
            distroless static base provides: /etc/passwd and /etc/group with the user nonroot (65532), \
            which the image runs as, /home/nonroot, /tmp (1777) and, when the build host has them, the CA \
            certificates of /etc/ssl/certs/ca-certificates.crt. Several --target options give a \
            multi-platform image (an image index). The archive is reproducible: the same inputs give \
            the same digest (timestamps are 0, or SOURCE_DATE_EPOCH when set).

            Load or push it with: skopeo copy oci-archive:APP.oci.tar docker://REGISTRY/app:1.0, \
            ctr images import APP.oci.tar, podman load -i APP.oci.tar.

            Environment: --env NAME=VALUE lets the guest read NAME and sets VALUE as its default in the \
            image's configuration, so a deployment can override it (Kubernetes `env:`); --env NAME lets \
            the guest read NAME when the deployment sets it. Directory grants (--dir) name paths inside \
            the container; a server needs --net. Unless compiled with --lock-grants, the container's \
            W2N_DIRS, W2N_ENV, W2N_INHERIT_ENV and W2N_NET replace these grants at deployment.
            """
    )

    @Argument(help: "The module to package (.wasm).")
    public var input: String

    @Option(name: .customShort("o"), help: "The image archive to write (e.g. app.oci.tar).")
    public var output: String

    @Option(help: "The image reference: [REGISTRY/]NAME[:TAG] (default localhost/<input name>:latest).")
    public var tag: String?

    @Option(
        name: .customLong("target"),
        help: "Target platform: x86_64-linux (linux/amd64) or aarch64-linux (linux/arm64); repeatable (default: this machine's).")
    public var targets: [String] = []

    @Option(name: .customLong("port"), help: "Expose a port: PORT or PORT/tcp|udp (repeatable).")
    public var ports: [String] = []

    @Option(name: .customLong("env"), help: "Let the guest read NAME; NAME=VALUE also sets its default in the image (repeatable).")
    public var environment: [String] = []

    @Flag(help: "Let the guest see the whole environment of the container.")
    public var inheritEnv = false

    @Option(name: .customLong("dir"), help: "Grant a directory of the container: PATH or PATH::GUEST, ':ro' at the end for read-only (repeatable).")
    public var directories: [String] = []

    @Flag(
        name: [.customLong("net"), .customLong("allow-network")],
        help: "Grant the network: the guest may open sockets and resolve names (servers need it).")
    public var allowNetwork = false

    @Flag(help: "Ignore W2N_DIRS, W2N_ENV, W2N_INHERIT_ENV and W2N_NET set at deployment: only these grants hold.")
    public var lockGrants = false

    @Option(name: .customShort("O"), help: "Optimisation level, 0 to 3 (also -O0 .. -O3).")
    public var optimizationLevel: Int = 2

    @Option(help: "CPU: 'baseline' (portable), 'native' (only for this machine's target), or an LLVM CPU name.")
    public var cpu: String = "baseline"

    @Flag(help: "Compile function imports that are neither WASI nor provided as functions that trap when called.")
    public var trapUnresolvedImports = false

    @Option(help: "The CA bundle to include, or 'none' (default: /etc/ssl/certs/ca-certificates.crt if present).")
    public var caCertificates: String?

    public init() {}

    /// The targets to build, in the order given, without duplicates.
    func resolvedTargets() throws -> [Target] {
        var result: [Target] = []
        for text in targets.flatMap({ $0.split(separator: ",").map(String.init) }) {
            guard let target = Self.target(named: text) else {
                throw ValidationError("unknown target '\(text)'; use x86_64-linux (linux/amd64) or aarch64-linux (linux/arm64)")
            }
            if !result.contains(target) { result.append(target) }
        }
        return result.isEmpty ? [.host] : result
    }

    static func target(named name: String) -> Target? {
        switch name {
        case "linux/amd64", "amd64", "x86_64": return .x86_64Linux
        case "linux/arm64", "linux/arm64/v8", "arm64", "aarch64": return .aarch64Linux
        default: return Target(rawValue: name)
        }
    }

    static func platform(of target: Target) -> Platform {
        switch target {
        case .x86_64Linux: return .linuxAMD64
        case .aarch64Linux: return .linuxARM64
        }
    }

    /// "3000" -> "3000/tcp"; nil when malformed.
    static func normalizedPort(_ text: String) -> String? {
        let parts = text.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let number = Int(parts[0]), (1...65535).contains(number),
              String(number) == parts[0] else { return nil }
        let proto = parts.count == 2 ? String(parts[1]) : "tcp"
        guard ["tcp", "udp", "sctp"].contains(proto) else { return nil }
        return "\(number)/\(proto)"
    }

    /// The image reference: --tag, or localhost/<input file name>:latest.
    func reference() throws -> ImageReference {
        let text: String
        if let tag {
            text = tag
        } else {
            var name = (input as NSString).lastPathComponent
            if name.hasSuffix(".wasm") { name.removeLast(5) }
            let cleaned = String(name.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "-" })
            text = "localhost/\(cleaned.isEmpty ? "app" : cleaned):latest"
        }
        do {
            return try ImageReference(text)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    public func validate() throws {
        guard (0...3).contains(optimizationLevel) else {
            throw ValidationError("-O takes 0, 1, 2 or 3, not \(optimizationLevel)")
        }
        _ = try resolvedTargets()
        _ = try reference()
        for port in ports where Self.normalizedPort(port) == nil {
            throw ValidationError("bad --port '\(port)': give PORT or PORT/tcp, PORT/udp (1 to 65535)")
        }
        for entry in environment where entry.hasPrefix("=") || entry.isEmpty {
            throw ValidationError("bad --env '\(entry)': give NAME or NAME=VALUE")
        }
    }

    /// The capability grants and image configuration that --env, --dir, --port give.
    func imageSettings() -> (config: ExecutableConfig, image: ImageConfiguration) {
        var grantedNames: [String] = []
        var defaults: [String] = []
        for entry in environment {
            if let equals = entry.firstIndex(of: "=") {
                grantedNames.append(String(entry[..<equals]))
                defaults.append(entry)
            } else {
                grantedNames.append(entry)
            }
        }
        var image = ImageConfiguration()
        image.env = defaults
        image.exposedPorts = Array(Set(ports.compactMap(Self.normalizedPort))).sorted()
        let config = ExecutableConfig(
            directories: directories, environment: grantedNames, inheritEnvironment: inheritEnv,
            allowNetwork: allowNetwork, lockGrants: lockGrants)
        return (config, image)
    }

    public func run() throws {
        let bytes = try readInput(input)
        let module: Module
        do {
            module = try validateModule(bytes)
        } catch {
            printError("\(input): \(error)")
            throw ExitCode(1)
        }
        let targets = try resolvedTargets()
        let reference = try reference()
        let (executableConfig, imageConfig) = imageSettings()

        let caBundle: [UInt8]?
        switch caCertificates {
        case "none": caBundle = nil
        case let path?: caBundle = try readInput(path)
        case nil:
            let path = "/" + StaticBase.caCertificatesPath
            caBundle = FileManager.default.isReadableFile(atPath: path) ? try readInput(path) : nil
        }

        let work = FileManager.default.temporaryDirectory
            .appendingPathComponent("wasm2native-image-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.removeItem(atPath: work)
        do {
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        } catch {
            printError("cannot create \(work): \(error)")
            throw ExitCode(1)
        }
        defer { try? FileManager.default.removeItem(atPath: work) }

        var images: [PlatformImage] = []
        for target in targets {
            var options = CompileOptions()
            options.optimizationLevel = optimizationLevel
            options.cpu = cpu
            options.target = target
            options.config = executableConfig
            options.trapUnresolvedImports = trapUnresolvedImports
            options.stripSymbols = true
            let executablePath = "\(work)/app-\(target.rawValue)"
            do {
                try Compiler.compileExecutable(module, output: executablePath, options: options)
            } catch {
                printError("\(input) (\(target.rawValue)): \(error)")
                throw ExitCode(1)
            }
            let executable = try readInput(executablePath)
            images.append(PlatformImage(
                platform: Self.platform(of: target),
                entries: StaticBase.entries(executable: executable, caCertificates: caBundle),
                configuration: imageConfig))
        }

        let created = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) } ?? 0
        let archive: OCIArchive
        do {
            archive = try OCIImageWriter.archive(reference: reference, images: images, created: created)
        } catch {
            printError("\(output): \(error)")
            throw ExitCode(1)
        }
        do {
            let staged = output + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
            try Data(archive.bytes).write(to: URL(fileURLWithPath: staged))
            if rename(staged, output) != 0 {
                try? FileManager.default.removeItem(atPath: staged)
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            printError("cannot write \(output): \(error)")
            throw ExitCode(1)
        }
        print("image \(archive.reference) \(archive.digest) \(output) \(archive.bytes.count)")
        for manifest in archive.manifests {
            print("platform \(manifest.platform.description) manifest \(manifest.manifestDigest) "
                  + "layer \(manifest.layerSize) tar \(manifest.layerUncompressedSize) total \(manifest.totalSize)")
        }
    }
}
