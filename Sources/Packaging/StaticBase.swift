// What a distroless "static" base image provides, written directly into the image's one layer, so
// that no base image is downloaded: the accounts (root, nobody, and nonroot = 65532, which the
// image runs as), their home directories, a world-writable sticky /tmp, and CA certificates.

public enum StaticBase {
    /// distroless's `nonroot` user and group.
    public static let nonrootUID = 65532
    /// Where distroless, Debian and most TLS stacks look for the CA bundle.
    public static let caCertificatesPath = "etc/ssl/certs/ca-certificates.crt"

    public static let passwd = """
        root:x:0:0:root:/root:/sbin/nologin
        nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
        nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin

        """

    public static let group = """
        root:x:0:
        nobody:x:65534:
        tty:x:5:
        staff:x:50:
        nonroot:x:65532:

        """

    /// The layer's entries: the base plus `executable` at `/<executableName>` (mode 0755, owned by
    /// root, so the non-root user can run but not replace it), sorted by path.
    public static func entries(executable: [UInt8], executableName: String = "app", caCertificates: [UInt8]?) -> [TarEntry] {
        var entries: [TarEntry] = [
            .file(executableName, executable, mode: 0o755),
            .directory("etc"),
            .file("etc/passwd", Array(passwd.utf8)),
            .file("etc/group", Array(group.utf8)),
            .directory("home"),
            .directory("home/nonroot", mode: 0o700, uid: nonrootUID, gid: nonrootUID),
            .directory("root", mode: 0o700),
            .directory("tmp", mode: 0o1777),
        ]
        if let caCertificates {
            entries += [
                .directory("etc/ssl"),
                .directory("etc/ssl/certs"),
                .file(caCertificatesPath, caCertificates),
            ]
        }
        return entries.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    }
}
