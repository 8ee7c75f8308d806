import Foundation
import HermesCore
import Synchronization

/// The JSON of tool lists already sent, so that a session's tool specs, the same long schemas on
/// every call (Python's 20-odd schemas are most of a request's bytes), are encoded once rather
/// than on every request. Bounded: past `capacity` lists (each platform's toolsets make one) it
/// starts again empty.
///
/// The keys of every object are sorted: a schema's members would otherwise come out in the
/// order of a hash seeded afresh by each process, so the same tools would be other bytes after
/// every restart (and every one-shot `hermes chat`), and a provider's prompt cache, which keys
/// on the exact prefix the tools are part of, would miss. Slashes are written as they are.
final class EncodedTools: Sendable {
    private let capacity: Int
    /// By the tools' names, which are cheap to hash where the specs (tens of kilobytes of
    /// schema) are not; a hit is checked against the specs it was made from, which costs
    /// nothing when the caller sends the same array again, as an agent does.
    private let encoded = Mutex<[[String]: (tools: [ToolSpec], json: [UInt8])]>([:])
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(capacity: Int = 16) {
        self.capacity = capacity
    }

    /// `tools` as the JSON array the `tools` member of a request holds.
    func json(for tools: [ToolSpec]) throws -> [UInt8] {
        let names = tools.map(\.name)
        if let known = encoded.withLock({ $0[names] }), known.tools == tools { return known.json }
        let bytes = Array(try Self.encoder.encode(tools))
        encoded.withLock { encoded in
            if encoded.count >= capacity { encoded.removeAll(keepingCapacity: true) }
            encoded[names] = (tools, bytes)
        }
        return bytes
    }
}
