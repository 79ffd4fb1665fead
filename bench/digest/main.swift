// The canonical digest micro-benchmark: times `CanonicalDigest.Canonicalizer.digest` alone over the `_source` lines of a
// bench/gen_docs.py seed folder, one thread, and prints a fingerprint of every digest so two builds can be shown to
// digest identically. Built and run by bench/digest.sh (release mode, only the sources it needs), never by the tests.
import Crypto
import Foundation
import Validation

/// Everything in a function: top-level variables are globals, and each access to a global costs a dynamic exclusivity
/// check that would be timed with the digest.
func main() throws {
    let arguments = CommandLine.arguments
    guard arguments.count >= 2 else {
        FileHandle.standardError.write(Data("usage: digest-bench SEED_FOLDER [ROUNDS]\n".utf8))
        exit(2)
    }
    let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5

    // Every second line of each ndjson file is a `_source` (the others are `_bulk` action lines).
    var bytes: [UInt8] = []
    var ranges: [Range<Int>] = []
    let files = try FileManager.default.contentsOfDirectory(atPath: arguments[1]).filter { $0.hasSuffix(".ndjson") }.sorted()
    for file in files {
        let data = try Data(contentsOf: URL(fileURLWithPath: arguments[1]).appendingPathComponent(file))
        data.withUnsafeBytes { (data: UnsafeRawBufferPointer) in
            var isSource = false
            var start = 0
            for index in data.indices where data[index] == 0x0A {
                if isSource {
                    ranges.append(bytes.count..<(bytes.count + index - start))
                    bytes.append(contentsOf: data[start..<index])
                }
                isSource.toggle()
                start = index + 1
            }
        }
    }
    let total = ranges.last?.upperBound ?? 0
    print("documents: \(ranges.count), _source bytes: \(total) (\(total / max(ranges.count, 1)) per document)")

    var canonicalizer = CanonicalDigest.Canonicalizer()
    var perDocument: [Double] = []
    var fingerprint = SHA256()
    try bytes.withUnsafeBufferPointer { all in
        for round in 0...rounds {
            var hasher = SHA256()
            let start = threadCPUNanoseconds()
            for range in ranges {
                let digest = try canonicalizer.digest(UnsafeBufferPointer(rebasing: all[range]))
                if round == 0 { withUnsafeBytes(of: (digest.high, digest.low)) { hasher.update(bufferPointer: $0) } }
            }
            let elapsed = threadCPUNanoseconds() - start
            if round == 0 {
                // The first round warms caches and the allocator, and is the one that records the digests.
                fingerprint = hasher
            } else {
                perDocument.append(Double(elapsed) / Double(ranges.count))
            }
        }
    }
    let sorted = perDocument.sorted()
    let rendered = perDocument.map { String(format: "%.0f", $0) }.joined(separator: " ")
    print(
        "digest: median \(String(format: "%.0f", sorted[sorted.count / 2])) ns/document of thread CPU, best \(String(format: "%.0f", sorted[0])) (rounds: \(rendered))"
    )
    print("fingerprint of all digests: \(fingerprint.finalize().map { String(format: "%02x", $0) }.joined())")
}

func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

try main()
