/// A coding key for any string, used to find keys a configuration type does not know.
public struct AnyCodingKey: CodingKey {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

extension Decoder {
    /// The dotted path of the first key of the object being decoded that is not in `known`,
    /// or `nil` when all are known. Configuration files use it to reject misspelt keys.
    public func firstUnknownKey(among known: Set<String>) throws -> String? {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        guard let key = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) else {
            return nil
        }
        return (codingPath.map(\.stringValue) + [key]).joined(separator: ".")
    }
}
