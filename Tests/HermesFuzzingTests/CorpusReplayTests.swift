import Foundation
import HermesFuzzing
import Testing

/// The committed inputs of every fuzz target, replayed in the ordinary build: the seed corpus
/// (`Fuzz/Corpus/<target>`) must pass, and so must every input that once crashed a target or
/// broke one of its properties (`Fuzz/Regressions/<target>`), so a fixed bug stays fixed.
@Suite("Fuzz corpus replay")
struct CorpusReplayTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz").standardized

    static func inputs(_ kind: String, of target: FuzzTarget) -> [URL] {
        let directory = fuzz.appendingPathComponent("\(kind)/\(target.name)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test("every target has a seed corpus, and each seed passes", arguments: FuzzTarget.all.map(\.name))
    func seeds(name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let seeds = Self.inputs("Corpus", of: target)
        #expect(seeds.count >= 3, "Fuzz/Corpus/\(name) holds \(seeds.count) seeds; give the fuzzer a start")
        for seed in seeds {
            #expect(throws: Never.self, "\(seed.lastPathComponent)") { try target.run(Array(try Data(contentsOf: seed))) }
        }
    }

    @Test("every input that once broke a target passes now", arguments: FuzzTarget.all.map(\.name))
    func regressions(name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        for input in Self.inputs("Regressions", of: target) {
            #expect(throws: Never.self, "\(input.lastPathComponent)") { try target.run(Array(try Data(contentsOf: input))) }
        }
    }

    @Test("the fuzz directories name only real targets, so no regression input is silently skipped")
    func directoriesNameTargets() throws {
        for kind in ["Corpus", "Regressions"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: Self.fuzz.appendingPathComponent(kind).path)
            for name in names where !name.hasPrefix(".") {
                #expect(FuzzTarget.named(name) != nil, "Fuzz/\(kind)/\(name) is not a fuzz target")
            }
        }
    }
}
