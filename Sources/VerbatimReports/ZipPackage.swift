import Foundation
import VerbatimCore
import ZIPFoundation

/// Builds and reads the zip containers of XLSX and QDPX files, in memory.
public enum ZipPackage {
    /// A fixed timestamp for every entry, so the same content always gives the same bytes.
    static let entryDate = Date(timeIntervalSince1970: 946_684_800)

    /// A zip of `entries` (path, bytes), deflated, in the given order.
    public static func make(_ entries: [(path: String, bytes: [UInt8])]) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        for entry in entries {
            let data = Data(entry.bytes)
            try archive.addEntry(
                with: entry.path, type: .file, uncompressedSize: Int64(data.count), modificationDate: entryDate,
                compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let data = archive.data else { throw VerbatimError.io(path: "<zip>", message: "could not build the zip archive") }
        return [UInt8](data)
    }

    /// The entries of a zip file, by path.
    public struct Reader {
        private let archive: Archive
        public let path: String

        public init(path: String) throws(VerbatimError) {
            self.path = path
            do {
                archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            } catch {
                throw VerbatimError.io(path: path, message: "not a readable zip archive (\(error))")
            }
        }

        public init(bytes: [UInt8], name: String = "<zip>") throws(VerbatimError) {
            path = name
            do {
                archive = try Archive(data: Data(bytes), accessMode: .read)
            } catch {
                throw VerbatimError.io(path: name, message: "not a readable zip archive (\(error))")
            }
        }

        public var paths: [String] { archive.map(\.path) }

        /// The bytes of entry `name`, or nil when there is no such entry.
        public func read(_ name: String) throws(VerbatimError) -> [UInt8]? {
            guard let entry = archive[name] else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(Int(min(entry.uncompressedSize, 1 << 28)))
            do {
                _ = try archive.extract(entry) { chunk in out.append(contentsOf: chunk) }
            } catch {
                throw VerbatimError.io(path: path, message: "cannot read '\(name)' from the archive (\(error))")
            }
            return out
        }
    }
}
