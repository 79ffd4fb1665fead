import TernCore

/// Turns the target's refusals of a remote reindex into one sentence each, without the credentials it was sent.
enum ReindexFailure {
    /// The allowlist sentence when `text` holds the refusal `[host:port] not allowlisted in reindex.remote.allowlist`
    /// (or `not whitelisted in reindex.remote.whitelist`); the setting name is taken from the refusal, since it is the
    /// one this target reads.
    static func allowlist(in text: String, target: ClusterVersion?) -> TernError? {
        let pattern =
            #/\[(\[[0-9A-Fa-f:.%]+\]:\d+|[^\s"\[\]{}]+)\] not (?:whitelisted|allowlisted) in (reindex\.remote\.(?:whitelist|allowlist))/#
        guard let match = text.firstMatch(of: pattern) else { return nil }
        let hostAndPort = String(match.output.1)
        let setting = String(match.output.2)
        let file = configurationFile(of: target, setting: setting)
        return TernError(
            .remoteNotAllowlisted,
            "The target refuses to reindex from the source at \(hostAndPort): add \"\(hostAndPort)\" to \(setting) in \(file) on every target node (keeping any entries already there) and restart those nodes, since \(setting) is a static node setting, then run again."
        )
    }

    /// One sentence for a failed remote reindex: the allowlist, TLS trust, reachability and credentials of the source,
    /// else the target's own words.
    /// - Parameters:
    ///   - text: the whole answer (or task error) as text, searched for the known refusals.
    ///   - summary: `type: reason` for the sentence.
    ///   - index: the source index being copied, or nil for the probe.
    static func translate(
        text: String, summary: String, index: String?, remote: RemoteReindexSource, target: ClusterVersion?, kind: TernError.Kind
    ) -> TernError {
        let text = remote.scrub(text)
        let summary = remote.scrub(summary)
        if let refusal = allowlist(in: text, target: target) { return refusal }
        let file = configurationFile(of: target, setting: nil)
        let lowered = text.lowercased()
        let what =
            index.map { "The target's remote reindex of index \($0) from \(remote.host)" }
            ?? "The target's remote reindex from \(remote.host)"
        if lowered.contains("pkix path building failed") || lowered.contains("unable to find valid certification path")
            || lowered.contains("sslhandshakeexception")
        {
            return TernError(
                .tls,
                "\(what) failed because the target's nodes do not trust the source's TLS certificate (\(summary)): add the source's CA certificate to reindex.ssl.certificate_authorities in \(file) on every target node and restart them (a static setting), then run again."
            )
        }
        if lowered.contains("connection refused") || lowered.contains("unknownhostexception") || lowered.contains("connect timed out")
            || lowered.contains("connectexception") || lowered.contains("no route to host")
        {
            return TernError(
                .connection,
                "\(what) failed because the target's nodes cannot reach \(remote.hostAndPort) (\(summary)): give the source's address as the target's nodes see it (the remote host option), or open the network path from the target's nodes to it, then run again."
            )
        }
        if lowered.contains("security_exception") && (lowered.contains("401") || lowered.contains("authenticat")) {
            return TernError(
                .authentication,
                "\(what) failed because the source refused the credentials the target passed on (\(remote.authDescription); \(summary)): check the source's auth in tern.yml, then run again."
            )
        }
        return TernError(kind, "\(what) failed (\(summary)); fix the cause and run again: indices already copied stay done.")
    }

    /// `opensearch.yml` or `elasticsearch.yml`, whichever the target's nodes read.
    private static func configurationFile(of target: ClusterVersion?, setting: String?) -> String {
        if let target { return target.distribution == .opensearch ? "opensearch.yml" : "elasticsearch.yml" }
        // Only OpenSearch 2 and later say "allowlist"; an unknown target saying "whitelist" may be either.
        return setting?.hasSuffix("allowlist") == false ? "opensearch.yml (elasticsearch.yml for Elasticsearch)" : "opensearch.yml"
    }
}
