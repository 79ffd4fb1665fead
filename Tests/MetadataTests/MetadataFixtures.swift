import TernCore

@testable import Metadata

/// Metadata as Elasticsearch 5-8 and OpenSearch 1-2 return it (`GET /<index>` without the index-name wrapper,
/// `GET _template`, `_index_template`, `_component_template`, `_ingest/pipeline` entries), written from the documented
/// response shapes.
enum MetadataFixtures {
    static func json(_ text: String) -> JSONValue {
        try! JSONValue.parse(Array(text.utf8))
    }

    static let es5 = ClusterVersion(.elasticsearch, SemanticVersion(5, 6, 16))
    static let es6 = ClusterVersion(.elasticsearch, SemanticVersion(6, 8, 23))
    static let es7 = ClusterVersion(.elasticsearch, SemanticVersion(7, 17, 22))
    static let es710 = ClusterVersion(.elasticsearchOSS, SemanticVersion(7, 10, 2))
    static let es8 = ClusterVersion(.elasticsearch, SemanticVersion(8, 15, 0))
    static let os1 = ClusterVersion(.opensearch, SemanticVersion(1, 3, 19))
    static let os2 = ClusterVersion(.opensearch, SemanticVersion(2, 19, 1))
    static let os26 = ClusterVersion(.opensearch, SemanticVersion(2, 6, 0))
    static let os3 = ClusterVersion(.opensearch, SemanticVersion(3, 0, 0))

    static func context(_ source: ClusterVersion, _ target: ClusterVersion, _ options: TransformOptions = TransformOptions())
        -> TransformContext
    {
        TransformContext(source: source, target: target, options: options)
    }

    /// Elasticsearch 5.6: an index created in 2.4 (still `string`), two types, `_all`, `_parent`, `include_in_all`.
    static let es5Blog = json(
        """
        {
          "aliases": {"blog-read": {}},
          "mappings": {
            "post": {
              "_all": {"enabled": false},
              "properties": {
                "title": {"type": "string", "analyzer": "english", "fields": {"raw": {"type": "string", "index": "not_analyzed", "ignore_above": 256}}},
                "author": {"type": "string", "index": "not_analyzed", "doc_values": true, "include_in_all": false},
                "body": {"type": "string", "norms": {"enabled": false}, "fielddata": {"format": "disabled"}, "doc_values": false},
                "secret": {"type": "string", "index": "no", "store": "yes"},
                "published": {"type": "date", "format": "strict_date_optional_time||epoch_millis"},
                "user": {"type": "object", "properties": {"name": {"type": "string", "null_value": "anonymous"}, "id": {"type": "long"}}},
                "tags": {"type": "nested", "properties": {"label": {"type": "string", "index": "not_analyzed", "analyzer": "keyword"}}}
              }
            },
            "comment": {
              "_all": {"enabled": false},
              "_parent": {"type": "post"},
              "_routing": {"required": true},
              "properties": {
                "text": {"type": "string"},
                "author": {"type": "string", "index": "not_analyzed", "doc_values": true, "include_in_all": false},
                "published": {"type": "date", "format": "strict_date_optional_time||epoch_millis"}
              }
            }
          },
          "settings": {
            "index": {
              "creation_date": "1475510461553",
              "number_of_shards": "5",
              "number_of_replicas": "1",
              "uuid": "kQ5XbJ9tTxuEYi0PBzOVGA",
              "version": {"created": "2040499", "upgraded": "5061699"},
              "provided_name": "blog",
              "mapper": {"dynamic": "false"},
              "analysis": {
                "filter": {"grams": {"type": "nGram", "min_gram": "2", "max_gram": "3"}},
                "analyzer": {"partial": {"type": "custom", "tokenizer": "standard", "filter": ["standard", "lowercase", "grams"]}}
              }
            }
          }
        }
        """)

    /// Elasticsearch 5.6: two types defining `id` differently.
    static let es5Twitter = json(
        """
        {
          "aliases": {},
          "mappings": {
            "user": {"properties": {"id": {"type": "keyword"}, "name": {"type": "text"}, "location": {"properties": {"city": {"type": "keyword"}}}}},
            "tweet": {"properties": {"id": {"type": "long"}, "message": {"type": "text", "analyzer": "english"}, "name": {"type": "text"},
                      "location": {"properties": {"city": {"type": "text"}, "country": {"type": "keyword"}}}}}
          },
          "settings": {"index": {"number_of_shards": "5", "number_of_replicas": "1", "uuid": "z8Rf0sFtSMeXwU3nO7KTag",
                                 "version": {"created": "5061699"}, "provided_name": "twitter", "creation_date": "1510000000000"}}
        }
        """)

    /// Elasticsearch 5.6 `GET _template/logstash`: the Logstash 5 template (pre-6 `template` field, `_default_` only).
    static let es5LogstashTemplate = json(
        """
        {
          "order": 0,
          "version": 50001,
          "template": "logstash-*",
          "settings": {"index": {"refresh_interval": "5s"}},
          "mappings": {
            "_default_": {
              "_all": {"enabled": true, "norms": false},
              "dynamic_templates": [
                {"message_field": {"path_match": "message", "match_mapping_type": "string", "mapping": {"type": "text", "norms": false}}},
                {"string_fields": {"match": "*", "match_mapping_type": "string",
                  "mapping": {"type": "text", "norms": false, "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}}}}
              ],
              "properties": {
                "@timestamp": {"type": "date", "include_in_all": false},
                "@version": {"type": "keyword", "include_in_all": false},
                "geoip": {"dynamic": true, "properties": {"ip": {"type": "ip"}, "location": {"type": "geo_point"},
                          "latitude": {"type": "half_float"}, "longitude": {"type": "half_float"}}}
              }
            }
          },
          "aliases": {}
        }
        """)

    /// Elasticsearch 5 template written for 2.x clients: `string` in a dynamic template.
    static let es5StringTemplate = json(
        """
        {
          "order": 1,
          "template": "events-*",
          "settings": {"index": {"number_of_shards": "2"}},
          "mappings": {
            "_default_": {"_all": {"enabled": false}},
            "event": {
              "dynamic_templates": [{"strings": {"match_mapping_type": "string", "mapping": {"type": "string", "index": "not_analyzed"}}}],
              "properties": {"message": {"type": "string"}}
            }
          },
          "aliases": {}
        }
        """)

    /// Elasticsearch 6.8 `GET /orders` (include_type_name defaults to true in 6.x: the `_doc` wrapper).
    static let es6Orders = json(
        """
        {
          "aliases": {"orders-current": {"is_write_index": true}},
          "mappings": {
            "_doc": {
              "_source": {"excludes": ["internal_notes"]},
              "_field_names": {"enabled": false},
              "dynamic": "strict",
              "properties": {
                "customer": {"type": "keyword"},
                "name": {"type": "text", "analyzer": "autocomplete", "search_analyzer": "standard"},
                "total": {"type": "scaled_float", "scaling_factor": 100},
                "internal_notes": {"type": "text"},
                "created": {"type": "date"}
              }
            }
          },
          "settings": {
            "index": {
              "routing": {"allocation": {"include": {"_name": "hot-node-1"}, "total_shards_per_node": "2"}},
              "refresh_interval": "30s",
              "number_of_shards": "3",
              "blocks": {"read_only_allow_delete": "false"},
              "provided_name": "orders",
              "creation_date": "1556610000000",
              "analysis": {
                "filter": {"autocomplete_filter": {"type": "edgeNGram", "min_gram": "1", "max_gram": "20"}},
                "char_filter": {"strip": {"type": "htmlStrip"}},
                "analyzer": {"autocomplete": {"type": "custom", "tokenizer": "standard", "char_filter": ["strip"],
                             "filter": ["standard", "lowercase", "autocomplete_filter"]}}
              },
              "number_of_replicas": "1",
              "uuid": "mZ4sbYbfQ4q1EcQ3p1bCsw",
              "version": {"created": "6082399"}
            }
          }
        }
        """)

    /// Elasticsearch 6.8 `GET _template/filebeat-6.8.23` shape: `doc` type, `index_patterns`.
    static let es6BeatTemplate = json(
        """
        {
          "order": 1,
          "index_patterns": ["filebeat-6.8.23-*"],
          "settings": {"index": {"mapping": {"total_fields": {"limit": "10000"}}, "refresh_interval": "5s",
                                 "number_of_routing_shards": "30", "number_of_shards": "3", "query": {"default_field": ["message"]}}},
          "mappings": {"doc": {"_meta": {"version": "6.8.23"}, "date_detection": false,
                               "properties": {"message": {"type": "text", "norms": false}, "host": {"properties": {"name": {"type": "keyword", "ignore_above": 1024}}}}}},
          "aliases": {}
        }
        """)

    /// Elasticsearch 7.17 `GET /products` (typeless), with `dense_vector`, `flattened`, ILM and a tier preference.
    static let es7Products = json(
        """
        {
          "aliases": {"products": {}},
          "mappings": {
            "properties": {
              "embedding": {"type": "dense_vector", "dims": 3},
              "labels": {"type": "flattened", "depth_limit": 5, "index": true},
              "name": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
              "price": {"type": "float"}
            }
          },
          "settings": {
            "index": {
              "lifecycle": {"name": "products-policy", "rollover_alias": "products"},
              "routing": {"allocation": {"include": {"_tier_preference": "data_content"}}},
              "number_of_shards": "1",
              "provided_name": "products-000001",
              "creation_date": "1650000000000",
              "number_of_replicas": "1",
              "uuid": "3jW5VvPjQ3mQxJ2Nq0xg1w",
              "version": {"created": "7172299"}
            }
          }
        }
        """)

    /// Elasticsearch 7.10 `GET /products?include_type_name=true`: the same typeless index in the typed response shape.
    static let es7TypedResponse = json(
        """
        {
          "aliases": {},
          "mappings": {"_doc": {"properties": {"name": {"type": "text"}}}},
          "settings": {"index": {"number_of_shards": "1", "number_of_replicas": "0", "uuid": "a", "version": {"created": "7100299"},
                                 "provided_name": "names", "creation_date": "1600000000000"}}
        }
        """)

    /// Elasticsearch 7.10 `GET _index_template/logs-app` entry (`index_template`): composable, data stream.
    static let es7IndexTemplate = json(
        """
        {
          "index_patterns": ["logs-app-*"],
          "template": {
            "settings": {"index": {"lifecycle": {"name": "logs"}, "number_of_replicas": "1"}},
            "mappings": {"properties": {"@timestamp": {"type": "date"}, "attributes": {"type": "flattened"}}},
            "aliases": {"logs-app": {}}
          },
          "composed_of": ["app-mappings", "app-settings"],
          "priority": 200,
          "version": 3,
          "_meta": {"description": "application logs"},
          "data_stream": {}
        }
        """)

    /// Elasticsearch 7.10 `GET _component_template/app-mappings` entry (`component_template`).
    static let es7ComponentTemplate = json(
        """
        {
          "template": {"mappings": {"dynamic": "true", "properties": {"message": {"type": "text"}, "service": {"properties": {"name": {"type": "keyword"}}}}}},
          "version": 1,
          "_meta": {"owner": "platform"}
        }
        """)

    /// Elasticsearch 8.15 `GET /vectors`: quantized HNSW `dense_vector`, Elastic-only types, runtime fields, synthetic source.
    static let es8Vectors = json(
        """
        {
          "aliases": {},
          "mappings": {
            "_source": {"mode": "synthetic"},
            "runtime": {"day_of_week": {"type": "keyword", "script": {"source": "emit(doc['published'].value.dayOfWeekEnum.toString())"}}},
            "properties": {
              "published": {"type": "date"},
              "title": {"type": "match_only_text"},
              "tenant": {"type": "constant_keyword", "value": "acme"},
              "release": {"type": "version"},
              "title_vector": {"type": "dense_vector", "dims": 384, "index": true, "similarity": "cosine",
                               "index_options": {"type": "int8_hnsw", "m": 16, "ef_construction": 100}},
              "image_vector": {"type": "dense_vector", "dims": 128, "index": true, "similarity": "dot_product",
                               "index_options": {"type": "hnsw", "m": 32, "ef_construction": 200}},
              "l2_vector": {"type": "dense_vector", "dims": 4, "index": true, "similarity": "l2_norm"}
            }
          },
          "settings": {
            "index": {
              "routing": {"allocation": {"include": {"_tier_preference": "data_content"}}},
              "number_of_shards": "1",
              "provided_name": "vectors",
              "creation_date": "1720000000000",
              "number_of_replicas": "1",
              "uuid": "pWk0sSIsQqOQ7sMjG1m7sA",
              "version": {"created": "8505000"}
            }
          }
        }
        """)

    /// Elasticsearch 8.15 `GET _index_template/metrics-app` entry: Elastic-only template fields.
    static let es8IndexTemplate = json(
        """
        {
          "index_patterns": ["metrics-app-*"],
          "template": {"settings": {"index": {"mode": "time_series", "routing_path": ["host"]}},
                       "mappings": {"properties": {"host": {"type": "keyword", "time_series_dimension": true}}},
                       "lifecycle": {"enabled": true, "data_retention": "7d"}},
          "composed_of": ["metrics@mappings", "app-settings"],
          "ignore_missing_component_templates": ["app-settings"],
          "priority": 300,
          "allow_auto_create": true,
          "data_stream": {"hidden": false, "allow_custom_routing": false}
        }
        """)

    /// OpenSearch 1.3 `GET /docs`: `knn_vector`, `index.knn`.
    static let os1Docs = json(
        """
        {
          "aliases": {"docs-read": {"filter": {"term": {"public": true}}}},
          "mappings": {
            "properties": {
              "body": {"type": "text"},
              "public": {"type": "boolean"},
              "vector": {"type": "knn_vector", "dimension": 3, "method": {"name": "hnsw", "space_type": "l2", "engine": "nmslib",
                         "parameters": {"ef_construction": 128, "m": 16}}}
            }
          },
          "settings": {
            "index": {
              "number_of_shards": "2",
              "knn": "true",
              "provided_name": "docs",
              "creation_date": "1680000000000",
              "analysis": {"analyzer": {"folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}}},
              "number_of_replicas": "1",
              "uuid": "Ggr3P0oTRlu6nnFkBhS6Vg",
              "version": {"created": "135248027"}
            }
          }
        }
        """)

    /// OpenSearch 2.11 `GET /catalog`: `flat_object`, replication type.
    static let os2Catalog = json(
        """
        {
          "aliases": {},
          "mappings": {"properties": {"attributes": {"type": "flat_object"}, "sku": {"type": "keyword"}, "title": {"type": "text"}}},
          "settings": {
            "index": {
              "replication": {"type": "DOCUMENT"},
              "number_of_shards": "1",
              "provided_name": "catalog",
              "creation_date": "1700000000000",
              "number_of_replicas": "2",
              "uuid": "J1Q0sTg4T4W0aP2sY9xw2A",
              "version": {"created": "136327827"}
            }
          }
        }
        """)

    /// OpenSearch 2 `GET _index_template/catalog` entry.
    static let os2IndexTemplate = json(
        """
        {
          "index_patterns": ["catalog-*"],
          "template": {"settings": {"index": {"number_of_shards": "1"}}, "mappings": {"properties": {"sku": {"type": "keyword"}}}},
          "composed_of": [],
          "priority": 10
        }
        """)

    /// Elasticsearch 8 ingest pipeline with X-Pack processors, one inside `on_failure` and one inside `foreach`.
    static let es8Pipeline = json(
        """
        {
          "description": "enrich orders",
          "processors": [
            {"set": {"field": "ingested", "value": "{{_ingest.timestamp}}"}},
            {"enrich": {"policy_name": "customers", "field": "customer", "target_field": "customer_info"}},
            {"foreach": {"field": "items", "processor": {"inference": {"model_id": "lang-ident"}}}}
          ],
          "on_failure": [{"set_security_user": {"field": "user"}}]
        }
        """)
}

extension MetadataFixtures {
    /// Runs one mapping rule on a typeless mapping at `/mappings`.
    static func run(_ rule: any MappingRule.Type, _ mapping: JSONValue, _ context: TransformContext) -> (JSONValue, RuleLog) {
        var mapping = mapping
        var log = RuleLog()
        rule.apply(to: &mapping, at: JSONPointer(tokens: ["mappings"]), context: context, log: &log)
        return (mapping, log)
    }

    /// Runs one settings rule on canonical settings at `/settings`.
    static func run(settings rule: any SettingsRule.Type, _ settings: JSONValue, _ context: TransformContext) -> (JSONValue, RuleLog) {
        var settings = settings
        var log = RuleLog()
        rule.apply(to: &settings, at: JSONPointer(tokens: ["settings"]), context: context, log: &log)
        return (settings, log)
    }

    static func pointer(_ text: String) -> JSONPointer {
        try! JSONPointer(parsing: text)
    }
}
