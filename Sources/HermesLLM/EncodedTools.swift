import Foundation
import HermesCore
import Synchronization

/// The JSON of tool lists already sent, so that a session's tool specs, the same long schemas on
/// every call (Python's 20-odd schemas are most of a request's bytes), are encoded once rather
/// than on every request. Bounded: past `capacity` lists (each platform's toolsets make one) it
/// starts again empty.
final class EncodedTools: Sendable {
    private let capacity: Int
    private let encoded = Mutex<[[ToolSpec]: [UInt8]]>([:])

    init(capacity: Int = 16) {
        self.capacity = capacity
    }

    /// `tools` as the JSON array the `tools` member of a request holds.
    func json(for tools: [ToolSpec]) throws -> [UInt8] {
        if let known = encoded.withLock({ $0[tools] }) { return known }
        let bytes = Array(try JSONEncoder().encode(tools))
        encoded.withLock { encoded in
            if encoded.count >= capacity { encoded.removeAll(keepingCapacity: true) }
            encoded[tools] = bytes
        }
        return bytes
    }
}
