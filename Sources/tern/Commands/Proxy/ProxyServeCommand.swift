import ArgumentParser
import Capture
import Foundation
import Logging
import TernCore

/// `tern proxy [serve]`
struct ProxyServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the capture proxy until Ctrl-C or SIGTERM (the default subcommand of tern proxy).",
        discussion: """
            Clients talk to the proxy as they would to the source. Reads are forwarded untouched; each write is \
            forwarded, and its request and the source's answer are appended to the capture log in --capture-dir and \
            synced to disk before the client sees the answer. A client that got an answer can count on its write being \
            in the log, even if the proxy is killed the next moment; a record cut short by a crash is removed the next \
            time the proxy starts on the same folder (it was never answered), and the startup says so.

            With a target cluster (--target or target: in tern.yml) `tern proxy mode target` sends everything to the \
            target and captures writes in --target-capture-dir, so a rollback can replay them on the source.

            On start one line goes to standard output with the address it listens on (useful with --listen \
            127.0.0.1:0, which picks a free port), the capture folder and the file holding the admin token; with \
            --json it is one JSON object on one line: {"listen", "capture_dir", "target_capture_dir", \
            "admin_token_file", "source", "mode", "recovered"}. The admin token (header X-Tern-Token on \
            /_tern/proxy/status and /_tern/proxy/mode) comes from --admin-token-file or TERN_PROXY_TOKEN; without \
            either a new random one is written to proxy.token in the folder above --capture-dir (mode 0600). It is \
            never printed.

            The capture folders keep every segment by default. With --retention DURATION (e.g. 24h) the proxy \
            deletes, at start and every 30 s, whole segment files of --capture-dir (and --target-capture-dir) that \
            every replay of that folder recorded in the state folder (--state-dir) has applied, once they were last \
            written more than DURATION ago. It never deletes the segment being written, anything the replay \
            furthest behind has not applied, or anything while no replay of the folder has saved a position. A \
            replay that has not saved a position yet (a new target) holds nothing back: start it before segments \
            age out. Removals are logged at info level (--log-level info); a failure is a warning and the proxy serves on.

            With --read-log DIR the searches (_search, _msearch, _count) and document gets the source answers are \
            recorded too, with the source's answers, in a capture folder of their own (never the write log replay \
            reads), for `tern compare-reads` to repeat on the target. Reads never wait for that log: its records are \
            not synced before the answer, an answer larger than 1 MiB is recorded without its body, and a failure to \
            record (disk full, --max-log-size) is counted (reads_logged, read_log_failures in status and metrics) and \
            logged now and then, never passed to the client. --read-sample 0.1 records about a tenth of them.

            Ctrl-C or SIGTERM stops accepting connections, answers held writes with 503, lets requests in flight \
            finish, and closes the log; a second Ctrl-C quits at once.

            Examples:
              tern proxy --source http://old:9200
              tern proxy --listen 0.0.0.0:9200 --config tern.yml --capture-dir /data/capture --max-log-size 50GB
              tern proxy --listen 127.0.0.1:0 --source http://old:9200 --json
              tern proxy --sync interval:5 --on-capture-failure reject --tls-cert proxy.pem --tls-key proxy.key
              tern proxy --source http://old:9200 --retention 24h --state-dir .tern
              tern proxy --source http://old:9200 --read-log .tern/reads --read-sample 0.25

            Exit code 0 after a clean stop; 2 for usage or configuration mistakes (address in use, unreadable \
            certificate, bad size, capture folder locked by another proxy).
            """)

    @OptionGroup var clusters: ClusterOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Address to listen on; port 0 picks a free one (default: \(ProxyCommand.defaultHost):\(ProxyCommand.defaultPort)).",
            valueName: "host:port"))
    var listen = "\(ProxyCommand.defaultHost):\(ProxyCommand.defaultPort)"

    /// `--capture-dir` holds the writes sent to the source; `--state-dir` is where `--retention` reads replay positions.
    @OptionGroup var folders: FolderOptions

    @Option(
        name: .customLong("target-capture-dir"),
        help: ArgumentHelp(
            "Folder of the capture log for writes sent to the target in target mode, for a rollback (default: capture-target beside --capture-dir).",
            valueName: "path"))
    var targetCaptureDirectory: String?

    @Option(
        name: .customLong("read-log"),
        help: ArgumentHelp(
            "Also record the searches, counts and document gets the source answers, with its answers, in this folder, for tern compare-reads (default: off).",
            valueName: "path"))
    var readLogDirectory: String?

    @Option(
        name: .customLong("read-sample"),
        help: ArgumentHelp("The share of those reads --read-log records, 0 < fraction <= 1.", valueName: "fraction"))
    var readSample = 1.0

    @Option(
        name: .customLong("admin-token-file"),
        help: ArgumentHelp(
            "File holding the admin token (default: $\(AdminToken.environmentVariable), else a generated one in <capture-dir>/../proxy.token).",
            valueName: "path"))
    var adminTokenFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "When the log syncs to disk: every-record (before each answer, shared by concurrent writes) or interval:MS (at most one sync per MS milliseconds; answers still wait for it).",
            valueName: "policy"))
    var sync = "every-record"

    @Option(
        name: .customLong("max-log-size"),
        help: ArgumentHelp(
            "Refuse writes (503) rather than let a capture folder grow past this size, e.g. 10GB (default: no limit).", valueName: "size"))
    var maxLogSize: String?

    @Option(
        name: .customLong("max-body-size"),
        help: ArgumentHelp("Largest request body accepted; larger ones get 413, as from the cluster.", valueName: "size"))
    var maxBodySize = "100mb"

    @Option(
        name: .customLong("hold-timeout"),
        help: ArgumentHelp("Seconds a write waits in hold-writes mode before it gets 503.", valueName: "seconds"))
    var holdTimeout: Double = 30

    enum CaptureFailureChoice: String, ExpressibleByArgument, CaseIterable {
        case reject, forward

        var policy: CaptureFailurePolicy { self == .reject ? .reject : .forwardUncaptured }
    }

    @Option(
        name: .customLong("on-capture-failure"),
        help: ArgumentHelp(
            "When a write cannot be logged (disk full, --max-log-size): reject (503, not forwarded; the log stays complete) or forward (forwarded unlogged and counted)."
        ))
    var onCaptureFailure: CaptureFailureChoice = .reject

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Delete capture segments every replay has applied once last written longer ago than this, e.g. 24h (default: keep everything).",
            valueName: "duration"))
    var retention: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Event loop threads serving clients, each with its own upstream connections (default: one per core).",
            valueName: "n"))
    var threads: Int?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate chain for TLS on the listener.", valueName: "path"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key for --tls-cert (unencrypted).", valueName: "path"))
    var tlsKey: String?

    @Flag(name: .long, help: "Print the startup line as one JSON object.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together.") }
        guard holdTimeout > 0, holdTimeout.isFinite else { throw ValidationError("--hold-timeout must be a positive number of seconds.") }
        if let threads, !(1...1024).contains(threads) {
            throw ValidationError("--threads must be between 1 and 1024 (default: one per core).")
        }
        guard readSample > 0, readSample <= 1 else {
            throw ValidationError("--read-sample must be more than 0 and at most 1 (0.1 records a tenth of the reads).")
        }
        if let retention, Duration.parse(retention) == nil {
            throw ValidationError("--retention '\(retention)' is not a duration; write it like 30m, 24h or 7d.")
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let address = try ListenAddress(parsing: listen)
        let logOptions = CaptureLogOptions(
            sync: try SyncArgument.parse(sync),
            maxTotalBytes: try maxLogSize.map { try ByteSize(parsing: $0, flag: "--max-log-size").bytes })
        let bodyLimit = try ByteSize(parsing: maxBodySize, flag: "--max-body-size").bytes
        guard bodyLimit <= Int64(Int32.max) else {
            throw TernError.configuration("--max-body-size \(maxBodySize) is more than the proxy can buffer; stay below 2GB.")
        }
        let clusters = try self.clusters.load()
        let source = try clusters.requireSource()
        let captureDirectory = folders.captureDirectory(clusters.migration)
        let given = try AdminToken.given(file: adminTokenFile)
        let tokenFile = AdminToken.generatedFile(captureDirectory: captureDirectory)
        let (token, origin) = given ?? (AdminTokenFile.random(), .generated(tokenFile))
        let service = try ProxyService(
            configuration: ProxyService.Configuration(
                proxy: CaptureProxyConfiguration(
                    host: address.host, port: address.port, source: source, target: clusters.target, adminToken: token,
                    maxRequestBodyBytes: Int(bodyLimit), holdTimeout: .milliseconds(Int64(holdTimeout * 1000)),
                    onCaptureFailure: onCaptureFailure.policy,
                    listenerTLS: tlsCertificate.map { .init(certificateFile: $0, keyFile: tlsKey ?? "") }, readSampleRate: readSample,
                    threads: threads),
                captureDirectory: captureDirectory,
                targetCaptureDirectory: FolderOptions.targetCaptureDirectory(targetCaptureDirectory, beside: captureDirectory),
                readLogDirectory: readLogDirectory,
                logOptions: logOptions, generatedTokenFile: given == nil ? tokenFile : nil, retention: retention.flatMap(Duration.parse),
                stateDirectory: folders.stateDirectory(clusters.migration)),
            logger: logger)

        let interrupt = InterruptHandler { Task { await service.stop() } }
        defer { withExtendedLifetime(interrupt) {} }
        let statistics = try await service.run { started in
            let startup = ProxyStartup(
                listen: address.url(scheme: tlsCertificate == nil ? "http" : "https", port: started.port),
                captureDirectory: captureDirectory, targetCaptureDirectory: started.targetCaptureDirectory,
                readLogDirectory: started.readLogDirectory, adminTokenFile: origin.file, source: source.displayEndpoint,
                target: clusters.target?.displayEndpoint, mode: started.mode.rawValue,
                recovered: started.recoveries.isEmpty ? nil : started.recoveries.map(\.description).joined(separator: " "))
            Terminal.standardOutput.write((json ? try startup.json() : startup.human(origin: origin)) + "\n")
        }
        let writes = statistics.writesCaptured == 1 ? "1 write" : "\(statistics.writesCaptured) writes"
        Terminal.standardError.write("Proxy stopped after \(statistics.requests) requests; \(writes) captured in \(captureDirectory).\n")
    }
}
