import AsyncHTTPClient
import Foundation
import HermesAgent
import HermesCore
import HermesSimulators
import HermesStore
import HermesTesting
import Testing

@testable import HermesLLM
@testable import HermesRuntime

@Suite("model context lengths, as Python finds them", .timeLimit(.minutes(1)))
struct ModelMetadataTests {
    static func simulator(contextLength: Int? = nil, status: Int = 200, model: String = "sim-model") -> LLMSimulator {
        var config = LLMSimulatorConfig()
        config.model = model
        config.contextLength = contextLength
        config.modelListStatus = status
        config.firstToken = .init(median: .zero)
        config.summaryRequests = .init(firstToken: .init(median: .zero), replyTokens: 30...30)
        return LLMSimulator(config: config)
    }

    @Test("Python's table: the longest fragment the name contains, else 256K; provider prefixes stripped, Ollama tags kept")
    func catalog() {
        #expect(ModelCatalog.contextLength(for: "claude-sonnet-4-6-20260101")?.tokens == 1_000_000)
        #expect(ModelCatalog.contextLength(for: "anthropic/claude-3-opus")?.fragment == "claude")
        #expect(ModelCatalog.contextLength(for: "GPT-5.4-mini")?.tokens == 400_000, "the name is lower-cased")
        #expect(ModelCatalog.contextLength(for: "gpt-4o")?.tokens == 128_000)
        #expect(ModelCatalog.contextLength(for: "Qwen/Qwen3.5-397B-A17B")?.fragment == "qwen", "fragments with capitals never match, as in Python")
        #expect(ModelCatalog.contextLength(for: "my-own-model") == nil)
        #expect(ModelCatalog.fallbackContextLength == 256_000 && ModelCatalog.minimumContextLength == 64_000)
        #expect(ModelCatalog.strippingProviderPrefix("local:my-model") == "my-model")
        #expect(ModelCatalog.strippingProviderPrefix("qwen:7b") == "qwen:7b")
        #expect(ModelCatalog.strippingProviderPrefix("ollama:latest") == "ollama:latest")
        #expect(ModelCatalog.strippingProviderPrefix("unknown:thing") == "unknown:thing")
        #expect(ModelCatalog.provider(forBaseURL: "https://api.openai.com/v1") == "openai")
        #expect(ModelCatalog.provider(forBaseURL: "http://127.0.0.1:8000/v1") == nil)
        #expect(ModelCatalog.isOpenRouter("https://openrouter.ai/api/v1/"))
    }

    @Test("a listing gives the window under any known key at any depth, by id, bare id, the only model or a fragment")
    func listings() throws {
        let listing = ModelListing(
            endpoint: try JSONValue(
                parsing: """
                    {"data": [
                      {"id": "org/alpha-7b", "meta": {"limits": {"max_model_len": "32,768"}}, "max_tokens": 4096},
                      {"id": "beta", "context_window": 100, "n_ctx": 65536},
                      {"id": "gamma"}
                    ]}
                    """))
        #expect(listing.match("org/alpha-7b")?.contextLength == 32_768)
        #expect(listing.match("alpha-7b")?.maxCompletionTokens == 4_096, "a vendor/model id is also found as model")
        #expect(listing.match("beta")?.contextLength == 65_536, "values outside 1,024...10,000,000 are skipped")
        #expect(listing.match("gamma-instruct")?.contextLength == nil, "a fragment match; gamma lists no window")
        let single = ModelListing(endpoint: try JSONValue(parsing: #"{"data": [{"id": "served", "context_length": 8192}]}"#))
        #expect(single.match("whatever-name")?.contextLength == 8_192, "the only model served")
    }

    @Test("the endpoint's /v1/models answers, once per lifetime of the cache, counted on an injected clock")
    func endpointLookupIsCached() async throws {
        let simulator = Self.simulator(contextLength: 32_768)
        try await simulator.withServer { base in
            let clock = ManualClock()
            let metadata = ModelMetadata(httpClient: .shared, clock: clock)
            let first = await metadata.limits(model: "sim-model", baseURL: base)
            #expect(first == ModelLimits(contextLength: 32_768, source: .endpoint))
            #expect(await metadata.limits(model: "sim-model", baseURL: base + "/") == first, "one endpoint, however spelled")
            let fetches = await metadata.fetches
            #expect(simulator.stats().modelListRequests == 1 && fetches == 1)
            clock.advance(by: .seconds(299))
            _ = await metadata.limits(model: "sim-model", baseURL: base)
            #expect(simulator.stats().modelListRequests == 1)
            clock.advance(by: .seconds(1))
            #expect(await metadata.limits(model: "sim-model", baseURL: base) == first)
            #expect(simulator.stats().modelListRequests == 2, "expired after five minutes, as in Python")
        }
    }

    @Test("concurrent lookups of one endpoint share one fetch")
    func oneFetchForManyLookups() async throws {
        let simulator = Self.simulator(contextLength: 50_000)
        try await simulator.withServer { base in
            let metadata = ModelMetadata(httpClient: .shared, clock: ManualClock())
            let lengths = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { await metadata.limits(model: "sim-model", baseURL: base).contextLength } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(lengths == Array(repeating: 50_000, count: 8))
            #expect(simulator.stats().modelListRequests == 1)
        }
    }

    @Test("the cache holds a bounded number of endpoints; the one that expires first goes")
    func boundedCache() async throws {
        let simulator = Self.simulator(contextLength: 40_000)
        try await simulator.withServer { base in
            let clock = ManualClock()
            let metadata = ModelMetadata(httpClient: .shared, clock: clock, capacity: 1)
            let other = base.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            _ = await metadata.limits(model: "sim-model", baseURL: base)
            clock.advance(by: .seconds(1))
            _ = await metadata.limits(model: "sim-model", baseURL: other)
            _ = await metadata.limits(model: "sim-model", baseURL: base)
            let fetches = await metadata.fetches
            #expect(fetches == 3, "the second endpoint evicted the first")
        }
    }

    @Test("a listing that cannot be had falls back to the table, then 256K, and is not asked again within the lifetime")
    func failsSoft() async throws {
        let simulator = Self.simulator(status: 503)
        try await simulator.withServer { base in
            let metadata = ModelMetadata(httpClient: .shared, clock: ManualClock())
            #expect(await metadata.limits(model: "llama-3.1-8b", baseURL: base) == ModelLimits(contextLength: 131_072, source: .catalog("llama")))
            #expect(await metadata.limits(model: "mystery", baseURL: base) == ModelLimits(contextLength: 256_000, source: .fallback))
            let fetches = await metadata.fetches
            #expect(simulator.stats().modelListRequests == 1 && fetches == 1)
        }
        let listsNoWindow = Self.simulator()
        try await listsNoWindow.withServer { base in
            let metadata = ModelMetadata(httpClient: .shared, clock: ManualClock())
            #expect(await metadata.limits(model: "sim-model", baseURL: base).source == .fallback)
        }
    }

    @Test("a known provider's endpoint is not asked; a window Python saved wins over the endpoint")
    func knownProvidersAndSavedLengths() async throws {
        let metadata = ModelMetadata(
            httpClient: .shared, clock: ManualClock(),
            savedLengths: ["my-model@http://127.0.0.1:9/v1": 48_000])
        #expect(
            await metadata.limits(model: "gpt-4o", baseURL: "https://api.openai.com/v1")
                == ModelLimits(contextLength: 128_000, source: .catalog("gpt-4")))
        #expect(
            await metadata.limits(model: "custom:my-model", baseURL: "http://127.0.0.1:9/v1/") == ModelLimits(contextLength: 48_000, source: .cached))
        let fetches = await metadata.fetches
        #expect(fetches == 0)
    }

    @Test("Python's context_length_cache.yaml is read from HERMES_HOME")
    func savedLengthsFile() async throws {
        let home = NSTemporaryDirectory() + "hermes-ctx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "context_lengths:\n  m@http://h/v1: 96000\n  bad: text\n".write(
            toFile: home + "/context_length_cache.yaml", atomically: true, encoding: .utf8)
        let saved = await SessionCompressors.savedContextLengths(hermesHome: home)
        #expect(saved == ["m@http://h/v1": 96_000])
        #expect(await SessionCompressors.savedContextLengths(hermesHome: home + "/none").isEmpty)
    }

    /// Runs `body` with a runtime of `settings` recording to a new database.
    private func withStoredRuntime(_ settings: RuntimeSettings, _ body: (HermesRuntime) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "hermes-ctx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = settings
        settings.databasePath = directory + "/state.db"
        try await withRuntime(settings, body)
    }

    /// Sends `turns` long messages to one session of a runtime on the simulator.
    private func chat(_ runtime: HermesRuntime, turns: Int) async throws {
        let filler = Array(repeating: "zeppelin", count: 120).joined(separator: " ")
        for turn in 0..<turns {
            _ = try await runtime.sessions.run(
                TurnRequest(session: NewSession(id: SessionID("long"), source: "cli"), text: "turn \(turn): \(filler)"))
        }
    }

    @Test("with no context length configured, compression turns on at the window the endpoint lists")
    func compressionFromTheEndpoint() async throws {
        let simulator = Self.simulator(contextLength: 6_000)
        try await simulator.withServer { base in
            var settings = RuntimeSettings()
            settings.model = ModelSettings(baseURL: base, name: "sim-model")
            settings.toolsets = []
            settings.stream = false
            #expect(settings.compression == nil)
            try await withStoredRuntime(settings) { runtime in
                try await chat(runtime, turns: 30)
                let store = try #require(runtime.store)
                #expect(try await store.history(of: SessionID("long")).contains(where: ContextCompressor.isCompaction))
            }
            #expect(simulator.stats().summaryRequests >= 1, "compressed at 75% of 6,000 tokens")
            #expect(simulator.stats().modelListRequests == 1)
        }
    }

    @Test("a configured context length wins: the endpoint is not asked")
    func configuredLengthWins() async throws {
        let simulator = Self.simulator(contextLength: 6_000)
        try await simulator.withServer { base in
            var settings = RuntimeSettings()
            settings.model = ModelSettings(baseURL: base, name: "sim-model")
            settings.toolsets = []
            settings.stream = false
            settings.compression = CompressionSettings(contextLength: 1_000_000)
            try await withStoredRuntime(settings) { runtime in try await chat(runtime, turns: 30) }
            #expect(simulator.stats().summaryRequests == 0 && simulator.stats().modelListRequests == 0)
        }
    }
}
