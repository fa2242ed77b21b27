// Tests of `wasm2native image`'s option handling (the packaging itself is tested in
// PackagingTests, and end to end in Tests/Images/run.sh, which needs zig, skopeo and containerd).

import ArgumentParser
import Codegen
import Packaging
import Testing

@testable import Wasm2NativeDriver

@Suite struct ImageCommandTests {
    @Test func defaults() throws {
        let command = try ImageCommand.parse(["dir/my_App.wasm", "-o", "app.oci.tar"])
        #expect(try command.resolvedTargets() == [Target.host])
        #expect(try command.reference().description == "localhost/my_app:latest")
        #expect(command.optimizationLevel == 2)
        #expect(command.cpu == "baseline")
    }

    @Test func targetsAndAliases() throws {
        let command = try ImageCommand.parse([
            "a.wasm", "-o", "a.tar", "--target", "aarch64-linux", "--target", "linux/amd64,arm64",
        ])
        #expect(try command.resolvedTargets() == [.aarch64Linux, .x86_64Linux])
        #expect(ImageCommand.platform(of: .aarch64Linux) == .linuxARM64)
        #expect(throws: (any Error).self) { try ImageCommand.parse(["a.wasm", "-o", "a.tar", "--target", "riscv64-linux"]) }
    }

    @Test func ports() throws {
        #expect(ImageCommand.normalizedPort("3000") == "3000/tcp")
        #expect(ImageCommand.normalizedPort("53/UDP") == "53/udp")
        for bad in ["0", "65536", "http", "80/icmp", "080", "80/tcp/x", ""] {
            #expect(ImageCommand.normalizedPort(bad) == nil, "\(bad)")
        }
        #expect(throws: (any Error).self) { try ImageCommand.parse(["a.wasm", "-o", "a.tar", "--port", "x"]) }
    }

    @Test func environmentGrantsAndDefaults() throws {
        let command = try ImageCommand.parse([
            "a.wasm", "-o", "a.tar", "--env", "PORT=3000", "--env", "LOG_LEVEL", "--env", "EMPTY=",
            "--port", "3000", "--port", "3000/tcp", "--port", "9090", "--dir", "/tmp::/scratch", "--net",
        ])
        let (config, image) = command.imageSettings()
        #expect(config.environment == ["PORT", "LOG_LEVEL", "EMPTY"])
        #expect(config.directories == ["/tmp::/scratch"])
        #expect(config.allowNetwork && !config.lockGrants)
        #expect(image.env == ["PORT=3000", "EMPTY="])
        #expect(image.exposedPorts == ["3000/tcp", "9090/tcp"])
        #expect(image.user == "65532")
        #expect(image.entrypoint == ["/app"])
    }

    @Test func badReferenceIsAUsageError() {
        #expect(throws: (any Error).self) { try ImageCommand.parse(["a.wasm", "-o", "a.tar", "--tag", "Local/App:1"]) }
        #expect(throws: (any Error).self) { try RootCommand.parseAsRoot(["image", "a.wasm"]) }  // no -o
    }
}
