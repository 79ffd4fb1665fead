import Foundation
import SnapshotReader
import TernCore

/// Where an `azure://` repository is and how Tern authorizes, as the Azure CLI and SDKs read it: the entry's settings,
/// else `AZURE_STORAGE_CONNECTION_STRING`, else `AZURE_STORAGE_ACCOUNT` with `AZURE_STORAGE_KEY` or
/// `AZURE_STORAGE_SAS_TOKEN`.
struct AzureConfiguration {
    let url: RepositoryURL
    let settings: RepositorySettings?
    let environment: [String: String]

    func service() throws(SnapshotReaderError) -> AzureService {
        var account = settings?.account
        var key = settings?.key?.value
        var sas = settings?.sasToken?.value
        var endpoint = settings?.endpoint
        if let text = settings?.connectionString?.value ?? (account == nil ? environment["AZURE_STORAGE_CONNECTION_STRING"] : nil),
            !text.isEmpty
        {
            do {
                let parsed = try AzureConnectionString(parsing: text)
                account = account ?? parsed.accountName
                key = key ?? parsed.accountKey
                sas = sas ?? parsed.sharedAccessSignature
                endpoint = endpoint ?? parsed.blobEndpoint
            } catch {
                throw SnapshotReaderError.invalidInput("The Azure connection string cannot be used: \(error.description)")
            }
        }
        account = account ?? environment["AZURE_STORAGE_ACCOUNT"]
        if key == nil && sas == nil {
            key = environment["AZURE_STORAGE_KEY"] ?? environment["AZURE_STORAGE_ACCESS_KEY"]
            sas = environment["AZURE_STORAGE_SAS_TOKEN"]
        }
        guard let account, !account.isEmpty else {
            throw SnapshotReaderError.invalidInput(
                "No Azure storage account for \(url): set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN (or a repositories: entry in tern.yml)."
            )
        }
        let blobEndpoint = endpoint ?? URL(string: "https://\(account).blob.core.windows.net")!
        let authorization: AzureService.Authorization
        if let key, !key.isEmpty {
            do {
                authorization = .sharedKey(try AzureSharedKeySigner(account: account, base64Key: key))
            } catch {
                throw SnapshotReaderError.invalidInput("The Azure storage key of account \(account) cannot be used: \(error.description)")
            }
        } else if let sas, !sas.isEmpty {
            authorization = .sas(sas.hasPrefix("?") ? String(sas.dropFirst()) : sas)
        } else {
            throw SnapshotReaderError.invalidInput(
                "No credentials for Azure account \(account): set AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, or a connection string with AccountKey or SharedAccessSignature."
            )
        }
        return AzureService(url: url, endpoint: blobEndpoint, authorization: authorization)
    }
}
