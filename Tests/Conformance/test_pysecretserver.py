"""pysecretserver 0.4.2, unmodified, against `sesame server --dev`: its README's examples.
What the server stored is read back through Sesame's own CLI."""
import pysecretserver
import pytest


@pytest.fixture(scope="module")
def ss(server):
    # The constructor signs in at once.
    return pysecretserver.api(site=server.base_url, username=server.username, password=server.password)


@pytest.fixture(scope="module")
def folder(ss):
    return ss.Folders.create_item({"folderName": "Test Folder", "folderTypeId": 1, "parentFolderId": -1})


def test_folders_create_get_update_search(server, ss, folder):
    assert folder["folderPath"] == "\\Test Folder"
    assert folder["childFolders"] is None
    fetched = ss.Folders.get_item(folder["id"])
    fetched.update({"folderName": "Updated Test Folder"})
    updated = ss.Folders.update_item(folder["id"], fetched)
    assert updated["folderPath"] == "\\Updated Test Folder"
    # Searches go to /api/v1/folders/?filter... (trailing slash), with the README's filter.folderName.
    found = ss.Folders.search_item(filters={"filter.folderName": "Updated Test"})
    assert [f["id"] for f in found] == [folder["id"]]
    assert server.stored(f"/v1/folders/{folder['id']}")["folderName"] == "Updated Test Folder"


def test_secrets_create_get_search_update_delete(server, ss, folder):
    created = ss.Secrets.create_item({
        "name": "Secret 010", "folderId": folder["id"], "secretTemplateId": 6007, "siteId": 1,
        "items": [
            {"fieldId": 108, "itemValue": "Create 007 Test"},
            {"fieldId": 111, "itemValue": "root"},
            {"fieldId": 110, "itemValue": "newpassword"},
            {"fieldId": 109, "itemValue": "Initial Notes Value", "slug": "notes"},
            {"fieldId": 189, "itemValue": "*** Not Valid For Display ***"},
            {"fieldId": 190, "itemValue": ""},
        ],
    })
    values = {i["slug"]: i["itemValue"] for i in created["items"]}
    assert values["password"] == "newpassword"
    assert values["private-key"] == ""  # the placeholder sent for the file field is not stored as text
    assert ss.Secrets.get_item(created["id"])["name"] == "Secret 010"
    assert ss.Secrets.get_item_field(created["id"], "Notes")["itemValue"] == "Initial Notes Value"
    in_folder = ss.Secrets.search_item(filters={"filter.folderId": folder["id"]})
    assert [s["name"] for s in in_folder] == ["Secret 010"]
    paged = ss.Secrets.search_item(filters={"filter.searchText": "Secret"}, params={"take": 1, "skip": 0})
    assert len(paged) == 1

    secret = ss.Secrets.get_item(created["id"])
    secret["name"] = "New XXX UPDATED Secret Name"
    assert ss.Secrets.update_item(created["id"], secret)["name"] == "New XXX UPDATED Secret Name"
    status, out, err = server.sesame("secret", "get", str(created["id"]), "--field", "notes")
    assert status == 0 and out == "Initial Notes Value", err

    deleted = ss.Secrets.delete_item(created["id"])
    assert deleted == {"id": created["id"], "objectType": "Secret", "responseCodes": []}
    assert server.stored(f"/v1/secrets/{created['id']}?includeInactive=true")["active"] is False


def test_item_metadata_create_update_delete_and_fields(server, ss, folder):
    created = ss.Folders.create_item_metadata(folder["id"], {"data": {
        "fieldDataType": "string", "metadataFieldName": "Customer Code",
        "metadataFieldSectionName": "Customer Details", "valueString": "TST",
    }})
    assert created["valueString"] == "TST"
    assert created["itemId"] == folder["id"]
    updated = ss.Folders.update_item_metadata(folder["id"], {"data": {
        "metadataItemDataId": created["metadataItemDataId"], "valueString": {"dirty": True, "value": "XXX"},
    }})
    assert updated["valueString"] == "XXX"
    listed = ss.Folders.get_item_metadata(folder["id"])
    assert [(m["metadataFieldName"], m["valueString"]) for m in listed] == [("Customer Code", "XXX")]
    stored = server.stored(f"/v1/metadata?filter.itemId={folder['id']}&filter.metadataType=Folder")
    assert stored["records"][0]["valueString"] == "XXX"
    fields = ss.Metadata.get_fields()
    assert [(f["metadataFieldName"], f["metadataFieldSectionName"]) for f in fields] == [("Customer Code", "Customer Details")]
    assert ss.Folders.delete_item_metadata(folder["id"], created["metadataItemDataId"]) == {"success": True}
    assert ss.Folders.get_item_metadata(folder["id"]) == []


def test_secret_metadata_by_field_id(server, ss, folder):
    secret = ss.Secrets.create_item({"name": "meta", "folderId": folder["id"], "secretTemplateId": 2,
                                     "items": [{"fieldId": 61, "itemValue": "u"}, {"fieldId": 7, "itemValue": "p"}]})
    created = ss.Secrets.create_item_metadata(secret["id"], {"data": {
        "metadataFieldSectionName": "Ownership", "metadataFieldName": "Owner", "valueString": "team-a"}})
    by_field = ss.Secrets.get_item_metadata(secret["id"], meta_field_id=created["metadataFieldId"])
    assert [m["valueString"] for m in by_field] == ["team-a"]


def test_library_bug_get_field_sections(ss, folder):
    # pysecretserver 0.4.2 passes `filter=` to a function that takes `data`: it fails before any request.
    with pytest.raises(TypeError):
        ss.Metadata.get_field_sections(folder["id"])


def test_delete_an_empty_folder(server, ss):
    empty = ss.Folders.create_item({"folderName": "Delete Me", "folderTypeId": 1, "parentFolderId": -1})
    assert ss.Folders.delete_item(empty["id"]) == {"id": empty["id"], "objectType": "Folder", "responseCodes": []}
    status, _, _ = server.sesame("api", "GET", f"/v1/folders/{empty['id']}")
    assert status == 4
