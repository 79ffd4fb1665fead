import Testing

@testable import Capture

@Suite struct WriteClassifierTests {
    static let table: [(method: String, uri: String, expected: RequestClass)] = [
        // Document writes.
        ("PUT", "/books/_doc/1", .write),
        ("POST", "/books/_doc/1?refresh=true", .write),
        ("DELETE", "/books/_doc/1", .write),
        ("POST", "/books/_doc", .write),
        ("PUT", "/books/_create/1", .write),
        ("POST", "/books/_create/1", .write),
        ("POST", "/books/_update/1", .write),
        ("POST", "/_bulk", .write),
        ("PUT", "/_bulk", .write),
        ("POST", "/books/_bulk", .write),
        ("POST", "/books/book/_bulk", .write),
        ("POST", "/books/_update_by_query?conflicts=proceed", .write),
        ("POST", "/books/_delete_by_query", .write),
        ("POST", "/_reindex", .write),
        // 6.x typed paths.
        ("PUT", "/books/book/1", .write),
        ("POST", "/books/book", .write),
        ("DELETE", "/books/book/1", .write),
        ("POST", "/books/book/1/_update", .write),
        ("PUT", "/books/book/1/_create", .write),
        // Index administration.
        ("PUT", "/books", .indexAdmin),
        ("DELETE", "/books", .indexAdmin),
        ("PUT", "/books/_mapping", .indexAdmin),
        ("PUT", "/books/book/_mapping", .indexAdmin),
        ("PUT", "/books/_settings", .indexAdmin),
        ("POST", "/_aliases", .indexAdmin),
        ("PUT", "/books/_alias/current", .indexAdmin),
        ("DELETE", "/books/_alias/current", .indexAdmin),
        ("PUT", "/_index_template/logs", .indexAdmin),
        ("DELETE", "/_index_template/logs", .indexAdmin),
        ("PUT", "/_template/legacy", .indexAdmin),
        ("PUT", "/_component_template/base", .indexAdmin),
        ("PUT", "/_ingest/pipeline/clean", .indexAdmin),
        ("DELETE", "/_ingest/pipeline/clean", .indexAdmin),
        ("POST", "/books/_close", .indexAdmin),
        // Reads, including POST ones.
        ("GET", "/books/_doc/1", .read),
        ("HEAD", "/books/_doc/1", .read),
        ("HEAD", "/books", .read),
        ("GET", "/", .read),
        ("POST", "/books/_search", .read),
        ("GET", "/books/_search?q=title:x", .read),
        ("POST", "/_search", .read),
        ("POST", "/_msearch", .read),
        ("POST", "/books/_count", .read),
        ("POST", "/_mget", .read),
        ("POST", "/books/_mget", .read),
        ("POST", "/_search/scroll", .read),
        ("DELETE", "/_search/scroll", .read),
        ("POST", "/books/_pit?keep_alive=1m", .read),
        ("POST", "/books/_search/point_in_time?keep_alive=1m", .read),
        ("DELETE", "/_pit", .read),
        ("POST", "/books/_refresh", .read),
        ("POST", "/_refresh", .read),
        ("POST", "/books/_field_caps?fields=*", .read),
        ("POST", "/books/_explain/1", .read),
        ("POST", "/books/_validate/query", .read),
        ("GET", "/_cat/indices?v", .read),
        ("PUT", "/_cluster/settings", .read),
        ("GET", "/_nodes/stats", .read),
        ("POST", "/books/book/_search", .read),
        ("POST", "/_index_template/_simulate", .read),
        ("POST", "/_ingest/pipeline/clean/_simulate", .read),
        ("GET", "/_index_template/logs", .read),
    ]

    @Test(arguments: table.indices)
    func classifies(_ index: Int) {
        let row = Self.table[index]
        #expect(
            WriteClassifier.classify(method: row.method, uri: row.uri) == row.expected, "\(row.method) \(row.uri)")
    }

    @Test func methodCaseDoesNotMatter() {
        #expect(WriteClassifier.classify(method: "put", uri: "/books/_doc/1") == .write)
    }

    @Test func capturedClasses() {
        #expect(RequestClass.write.isCaptured && RequestClass.indexAdmin.isCaptured && !RequestClass.read.isCaptured)
    }
}
