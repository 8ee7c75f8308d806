// The arguments are read by hand, not with swift-argument-parser: after the target's name they
// belong to libFuzzer (`-max_total_time=60`, corpus directories), whose single-dash flags the
// parser would refuse.
import CLibFuzzer
import Foundation
import HermesFuzzing

/// The target named on the command line; a static so the C callback, which can capture nothing,
/// reaches it.
enum Selected {
    static let target: FuzzTarget? = CommandLine.arguments.dropFirst().first.flatMap(FuzzTarget.named)
}

let usage = """
    usage: hermes-fuzz TARGET [libFuzzer flags] [corpus directories or input files]
           hermes-fuzz list

    Built with -sanitize=fuzzer (scripts/fuzz does it), it fuzzes TARGET with libFuzzer.
    Built without, it replays each input file (and every file under each directory) through TARGET
    and fails on the first broken property; a crash is a crash.
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("hermes-fuzz: \(message)\n".utf8))
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, name != "-h", name != "--help" else {
    print(usage)
    exit(arguments.isEmpty ? 2 : 0)
}
if name == "list" {
    for target in FuzzTarget.all { print("\(target.name)\n    \(target.summary)") }
    exit(0)
}
guard let target = Selected.target else {
    fail("no fuzz target '\(name)'; the targets are \(FuzzTarget.all.map(\.name).joined(separator: ", "))")
}

// libFuzzer reads its flags from argv[1...], so the target's name is taken out; the strings live
// as long as the process, as libFuzzer expects.
let driverArguments = [CommandLine.arguments[0]] + arguments.dropFirst()
var argc = Int32(driverArguments.count)
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: driverArguments.count + 1)
argv?.initialize(from: driverArguments.map { strdup($0) } + [nil], count: driverArguments.count + 1)
let status = hermes_fuzz_run_driver(&argc, &argv) { data, size in
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do {
        try Selected.target?.run(bytes)
    } catch {
        // libFuzzer saves the input that aborted as crash-<sha1>, and prints it.
        FileHandle.standardError.write(Data("hermes-fuzz: \(Selected.target?.name ?? "?"): \(error)\n".utf8))
        abort()
    }
    return 0
}
if status >= 0 { exit(status) }

let inputs = arguments.dropFirst()
if let flag = inputs.first(where: { $0.hasPrefix("-") }) {
    fail("\(flag) is a libFuzzer flag, but this build has no libFuzzer: run scripts/fuzz, or build with -sanitize=fuzzer")
}
var replayed = 0
for path in inputs {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("\(path): no such file or directory") }
    let files =
        isDirectory.boolValue
        ? (FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String }.sorted() ?? []).map { "\(path)/\($0)" }
            .filter { (try? FileManager.default.attributesOfItem(atPath: $0)[.type] as? FileAttributeType) == .typeRegular }
        : [path]
    for file in files {
        guard let data = FileManager.default.contents(atPath: file) else { fail("\(file): cannot read it") }
        do {
            try target.run(Array(data))
        } catch {
            fail("\(target.name): \(file): \(error)")
        }
        replayed += 1
    }
}
print("\(target.name): \(replayed) inputs replayed, no property broken")
