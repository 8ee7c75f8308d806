import AsyncHTTPClient
import Foundation
import HermesCore
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A model's context window (and completion limit), found as the Python project's
/// `get_model_context_length` finds it for the endpoints this runtime calls:
///
/// 1. the configuration, when it gives one (the caller checks that first);
/// 2. `context_length_cache.yaml`, the windows Python learned and saved, by `model@base_url`;
/// 3. for a custom endpoint (a host that is no known provider's), its `GET /models` listing
///    (also tried with `/v1` added or removed); for OpenRouter, OpenRouter's listing;
/// 4. Python's table of model-name fragments, longest first;
/// 5. 256K tokens.
///
/// Listings are cached by endpoint for `timeToLive` (five minutes, an hour for OpenRouter's, as
/// in Python), a failed fetch too, so a dead endpoint costs one timeout per lifetime and not one
/// per session; at most `capacity` endpoints are kept. Concurrent lookups of one endpoint share
/// one fetch. A lookup never fails: a listing that cannot be had is logged with its reason and
/// the table answers.
///
/// Differences from Python, deliberate: the other providers' own lookups (models.dev, Anthropic's,
/// Copilot's, Nous's, Codex's, Bedrock's, Ollama's `/api/show`, LM Studio's and llama.cpp's
/// native APIs) are not made; their models get the table's window or the default.
public actor ModelMetadata {
    private struct Cached {
        var listing: ModelListing
        var expires: ContinuousClock.Instant
    }

    private let httpClient: HTTPClient
    private let clock: any HermesClock
    private let logger: Logger
    private let timeToLive: Duration
    private let openRouterTimeToLive: Duration
    private let capacity: Int
    private let timeout: Duration
    private let savedLengths: [String: Int]
    private var cache: [String: Cached] = [:]
    private var fetching: [String: Task<ModelListing, Never>] = [:]
    /// Listings fetched (tried) so far, cache misses only.
    public private(set) var fetches = 0

    /// A resolver fetching with `httpClient`, its cache lifetimes on `clock`. `savedLengths` is
    /// Python's `context_length_cache.yaml` (`model@base_url` → tokens).
    public init(
        httpClient: HTTPClient, clock: any HermesClock = ContinuousClock(), logger: Logger = Logger(label: "hermes.models"),
        timeToLive: Duration = .seconds(300), openRouterTimeToLive: Duration = .seconds(3_600), capacity: Int = 32,
        timeout: Duration = .seconds(10), savedLengths: [String: Int] = [:]
    ) {
        self.httpClient = httpClient
        self.clock = clock
        self.logger = logger
        self.timeToLive = timeToLive
        self.openRouterTimeToLive = openRouterTimeToLive
        self.capacity = max(1, capacity)
        self.timeout = timeout
        self.savedLengths = savedLengths
    }

    /// The limits of `model` served at `baseURL` (nil: no endpoint, the table answers).
    public func limits(model rawModel: String, baseURL: String?, apiKey: String? = nil) async -> ModelLimits {
        let model = ModelCatalog.strippingProviderPrefix(rawModel)
        let base = baseURL.map(ModelCatalog.normalize) ?? ""
        if !base.isEmpty, let saved = savedLengths["\(model)@\(base)"] ?? savedLengths["\(model)@\(base)/"] {
            return ModelLimits(contextLength: saved, source: .cached)
        }
        if !base.isEmpty {
            if ModelCatalog.isOpenRouter(base) {
                let listing = await listing(at: base, apiKey: apiKey, openRouter: true)
                if let entry = listing.exact(model), let length = entry.contextLength, length > 0,
                    !(length == 32_768 && ModelCatalog.suggestsKimi(model))
                {
                    return ModelLimits(contextLength: length, maxCompletionTokens: entry.maxCompletionTokens, source: .endpoint)
                }
            } else if ModelCatalog.provider(forBaseURL: base) == nil {
                let listing = await listing(at: base, apiKey: apiKey, openRouter: false)
                if let entry = listing.match(model), let length = entry.contextLength {
                    return ModelLimits(contextLength: length, maxCompletionTokens: entry.maxCompletionTokens, source: .endpoint)
                }
                // Python says so at info level in its log file; on a terminal it would be noise.
                logger.debug(
                    "the endpoint does not say the model's context length; set model.context_length in config.yaml to override",
                    metadata: ["model": "\(model)", "base_url": "\(base)"])
            }
        }
        if let (fragment, tokens) = ModelCatalog.contextLength(for: model) {
            return ModelLimits(contextLength: tokens, source: .catalog(fragment))
        }
        return ModelLimits(contextLength: ModelCatalog.fallbackContextLength, source: .fallback)
    }

    /// The cached listing of `base`, else one fetch of it shared by every caller waiting.
    private func listing(at base: String, apiKey: String?, openRouter: Bool) async -> ModelListing {
        if let cached = cache[base], clock.now < cached.expires { return cached.listing }
        if let running = fetching[base] { return await running.value }
        fetches += 1
        let task = Task { [httpClient, timeout, logger] in
            await Self.fetch(base, apiKey: apiKey, openRouter: openRouter, client: httpClient, timeout: timeout, logger: logger)
        }
        fetching[base] = task
        let listing = await task.value
        fetching[base] = nil
        store(listing, for: base, lifetime: openRouter ? openRouterTimeToLive : timeToLive)
        return listing
    }

    private func store(_ listing: ModelListing, for base: String, lifetime: Duration) {
        let now = clock.now
        cache = cache.filter { now < $0.value.expires }
        if cache[base] == nil, cache.count >= capacity, let oldest = cache.min(by: { $0.value.expires < $1.value.expires })?.key {
            cache[oldest] = nil
        }
        cache[base] = Cached(listing: listing, expires: now + lifetime)
    }

    /// `GET {base}/models`, then the same with `/v1` added or removed; the first listing read
    /// wins. An empty listing when none can be read, the reason logged.
    private static func fetch(
        _ base: String, apiKey: String?, openRouter: Bool, client: HTTPClient, timeout: Duration, logger: Logger
    ) async -> ModelListing {
        var candidates = [base]
        let alternate = base.hasSuffix("/v1") ? ModelCatalog.normalize(String(base.dropLast(3))) : base + "/v1"
        if !alternate.isEmpty, !openRouter { candidates.append(alternate) }
        var reasons: [String] = []
        for candidate in candidates {
            let url = candidate + "/models"
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/json")
            if let apiKey, !apiKey.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
            do {
                let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
                let body = try await response.body.collect(upTo: 32 << 20)
                guard (200..<300).contains(response.status.code) else {
                    reasons.append("\(url): HTTP \(response.status.code)")
                    continue
                }
                let payload = try JSONValue(parsing: String(buffer: body))
                return openRouter ? ModelListing(openRouter: payload) : ModelListing(endpoint: payload)
            } catch {
                reasons.append("\(url): \(error)")
            }
        }
        logger.warning(
            "could not read the endpoint's model listing; the context length comes from the model table",
            metadata: ["base_url": "\(base)", "reason": "\(reasons.joined(separator: "; "))"])
        return ModelListing()
    }
}
