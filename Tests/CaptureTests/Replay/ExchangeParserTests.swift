import Testing

@testable import Capture

@Suite struct ExchangeParserTests {
    private func parse(_ method: String, _ target: String) -> ExchangeRequest {
        ExchangeParser.parse(method: method, target: target)
    }

    private func write(
        _ operation: ExchangeRequest.DocumentWrite.Operation, _ index: String, type: String? = nil, id: String?, routing: String? = nil,
        pipeline: String? = nil
    ) -> ExchangeRequest {
        .document(
            ExchangeRequest.DocumentWrite(operation: operation, index: index, type: type, id: id, routing: routing, pipeline: pipeline))
    }

    @Test func documentPaths() {
        #expect(parse("PUT", "/books/_doc/1") == write(.index, "books", id: "1"))
        #expect(parse("post", "/books/_doc/1?routing=u%2F7&refresh=true") == write(.index, "books", id: "1", routing: "u/7"))
        #expect(parse("POST", "/books/_doc") == write(.index, "books", id: nil))
        #expect(parse("PUT", "/books/_doc/1?op_type=create") == write(.create, "books", id: "1"))
        #expect(parse("PUT", "/books/_create/a%20b") == write(.create, "books", id: "a b"))
        #expect(parse("POST", "/books/_update/1?pipeline=p") == write(.update, "books", id: "1", pipeline: "p"))
        #expect(parse("DELETE", "/books/_doc/1") == write(.delete, "books", id: "1"))
    }

    @Test func typedPathsOfElasticsearch6() {
        #expect(parse("PUT", "/books/book/1") == write(.index, "books", type: "book", id: "1"))
        #expect(parse("POST", "/books/book") == write(.index, "books", type: "book", id: nil))
        #expect(parse("PUT", "/books/book/1/_create") == write(.create, "books", type: "book", id: "1"))
        #expect(parse("POST", "/books/book/1/_update") == write(.update, "books", type: "book", id: "1"))
        #expect(parse("DELETE", "/books/book/1") == write(.delete, "books", type: "book", id: "1"))
        #expect(parse("POST", "/books/book/_bulk") == .bulk(ExchangeRequest.Bulk(index: "books", type: "book")))
    }

    @Test func bulkAndByQuery() {
        #expect(parse("POST", "/_bulk") == .bulk(ExchangeRequest.Bulk()))
        #expect(
            parse("PUT", "/books/_bulk?routing=r&pipeline=p") == .bulk(ExchangeRequest.Bulk(index: "books", routing: "r", pipeline: "p")))
        #expect(parse("POST", "/a,b/_delete_by_query?conflicts=proceed") == .byQuery(indices: ["a", "b"], deletes: true))
        #expect(parse("POST", "/books/_update_by_query") == .byQuery(indices: ["books"], deletes: false))
    }

    @Test func adminReadsAndUnknowns() {
        for (method, target) in [
            ("PUT", "/books"), ("DELETE", "/books"), ("PUT", "/books/_mapping"), ("POST", "/books/_mapping/book"),
            ("PUT", "/books/book/_mapping"), ("POST", "/_aliases"), ("PUT", "/books/_alias/current"), ("DELETE", "/books/_alias/current"),
            ("PUT", "/books/_settings"), ("POST", "/books/_close"), ("PUT", "/_index_template/logs"),
        ] {
            #expect(parse(method, target) == .admin, "\(method) \(target)")
        }
        for (method, target) in [
            ("GET", "/books/_doc/1"), ("POST", "/books/_search"), ("POST", "/_search/scroll"), ("DELETE", "/_search/scroll"),
            ("POST", "/books/_refresh"), ("POST", "/_mget"), ("POST", "/books/_count"), ("HEAD", "/books"),
        ] {
            #expect(parse(method, target) == .readOnly, "\(method) \(target)")
        }
        #expect(parse("PUT", "/_cluster/settings") == .unknown)
        #expect(parse("POST", "/books/_rollover") == .rollover(alias: "books"))
        #expect(parse("POST", "/books/_rollover/books-000002?dry_run=false") == .rollover(alias: "books"))
        #expect(parse("POST", "/_reindex?wait_for_completion=false") == .reindex)
        #expect(parse("POST", "/books/_reindex") == .unknown)
    }
}
