/// What `tern compare-reads` found: how many logged reads the target answered like the source, which did not (with a
/// few samples), and which could not be compared.
public struct ReadComparisonReport: Sendable, Codable, Equatable {
    /// Logged reads left out, by reason.
    public struct Skipped: Sendable, Codable, Equatable {
        /// The source answered with something else than 2xx: nothing to compare against.
        public var sourceNotOK = 0
        /// The source's answer was larger than the read log keeps.
        public var oversize = 0
        /// A read the comparison cannot repeat (not JSON, point-in-time searches).
        public var unsupported = 0
        /// About indices outside the --index/--exclude selection.
        public var outsideSelection = 0
        /// A logged request without a logged answer (it broke off, or the proxy stopped first).
        public var unanswered = 0

        public var total: Int { sourceNotOK + oversize + unsupported + outsideSelection + unanswered }

        enum CodingKeys: String, CodingKey {
            case oversize, unsupported, unanswered
            case sourceNotOK = "source_not_ok"
            case outsideSelection = "outside_selection"
        }
    }

    /// One read the target answered differently.
    public struct Sample: Sendable, Codable, Equatable {
        public var kind: ReadKind
        public var method: String
        /// The path as the client sent it to the source (without the query).
        public var path: String
        /// The path sent to the target (renamed).
        public var targetPath: String
        /// One sentence per difference.
        public var differences: [String]

        enum CodingKeys: String, CodingKey {
            case kind, method, path, differences
            case targetPath = "target_path"
        }
    }

    public var readLog: String
    public var target: String
    public var compared = 0
    public var equal = 0
    public var different = 0 {
        didSet { ok = different == 0 }
    }
    public var skipped = Skipped()
    /// The first differing reads, at most ``ReadComparison/Options/samples``.
    public var samples: [Sample] = []
    /// Where reading the log stopped early, as a sentence; the reads before were compared.
    public var damage: String?
    /// Whether every compared read was answered alike.
    public private(set) var ok = true

    public init(readLog: String, target: String) {
        self.readLog = readLog
        self.target = target
    }

    enum CodingKeys: String, CodingKey {
        case target, compared, equal, different, skipped, samples, damage, ok
        case readLog = "read_log"
    }
}
