Feature: Written to fail, one step of each family

  Background:
    Given address "@address"

  Rule: JSON answers

    Background:
      Given URL path "/echo"
      When the URL is invoked

    Scenario: is
      Then JSON Pointer "/text" is "goodbye"

    Scenario: is, with literal_eval
      Then JSON Pointer "/objects" is "[{'id': 1, 'name': 'x'}]" (with literal_eval)

    Scenario: is JSON
      Then path "/objects/0" is JSON "{"id": 2}"

    Scenario: is JSON equal to that from a file
      Then path "/objects/0" is JSON equal to that from "objects.json"

    Scenario: isn't
      Then JSON Pointer "/text" isn't "hello world"

    Scenario: is a string
      Then path "/integer" is a string "42"

    Scenario: is an integer
      Then JSON Pointer "/real" is an integer "2"

    Scenario: is a float
      Then JSON Pointer "/real" is a float "3.5"

    Scenario: is any integer
      Then JSON Pointer "/text" is any integer

    Scenario: is any float
      Then JSON Pointer "/integer" is any float

    Scenario: is any string
      Then JSON Pointer "/integer" is any string

    Scenario: is any bool
      Then JSON Pointer "/nothing" is any bool

    Scenario: is any list
      Then path "/empty_dict" is any list

    Scenario: is any dict
      Then path "/empty_list" is any dict

    Scenario: is a UUID
      Then JSON Pointer "/text" is a UUID

    Scenario: is any UUID4
      Then JSON Pointer "/uuid1" is any UUID4

    Scenario: is a list
      Then JSON Pointer "/objects" is a list "a, b"

    Scenario: is empty
      Then JSON Pointer "/text" is empty

    Scenario: isn't empty
      Then JSON Pointer "/empty_text" isn't empty

    Scenario: is an empty list
      Then JSON Pointer "/objects" is an empty list

    Scenario: isn't an empty list
      Then JSON Pointer "/empty_list" isn't an empty list

    Scenario: is an empty dict
      Then path "/empty_list" is an empty dict

    Scenario: is one of
      Then JSON Pointer "/text" is one of "a, b"

    Scenario: isn't one of
      Then JSON Pointer "/text" isn't one of "hello world, x"

    Scenario: contains
      Then JSON Pointer "/objects" contains "{"id": 3}"

    Scenario: contains data from a file
      Then JSON Pointer "/empty_list" contains data from "object.json"

    Scenario: starts with
      Then path "/text" starts with "world"

    Scenario: starts with any of
      Then path "/text" starts with any of "x, y"

    Scenario: ends with
      Then path "/text" ends with "hello"

    Scenario: is True
      Then JSON Pointer "/no" is True

    Scenario: is False
      Then JSON Pointer "/yes" is False

    Scenario: is null
      Then path "/yes" is null

    Scenario: is a BASE32 Crockford
      Then JSON Pointer "/crockford_wrong" is a BASE32 Crockford, checksum "true"

    Scenario: is base64 JSON
      Then JSON Pointer "/encoded" is base64 JSON which pointer "/response/echo_request" has "adios"

    Scenario: a path that is not there
      Then JSON Pointer "/nope/0" is "x"

    Scenario: a Zato sentence with a typo
      Then JSON Pointer "/text" isnt an empty list

  Rule: XML answers

    Background:
      Given URL path "/xml"
      Given format "XML"
      Given request is "<ask/>"
      When the URL is invoked

    Scenario: XPath is
      Then XPath "//e:text" is "goodbye"

    Scenario: XPath is an integer
      Then XPath "//e:text" is an integer "5"

    Scenario: XPath is empty
      Then XPath "//e:text" is empty

    Scenario: XPath isn't empty
      Then XPath "//e:empty" isn't empty

    Scenario: XPath is one of
      Then XPath "//e:text" is one of "a, b"

    Scenario: XPath is True
      Then XPath "//e:text" is True

    Scenario: an XPath that finds nothing
      Then XPath "//e:nope" is "x"

    Scenario: an XPath that finds two nodes
      Then XPath "//e:item" is "1"

    Scenario: a prefix nobody declared
      Then XPath "//zz:text" is "x"

  Rule: Stored values

    Background:
      Given I store "hello world" under "text"

    Scenario: variable is
      Then variable "#text" is "goodbye"

    Scenario: variable is an integer
      Then variable "#text" is an integer "1"

    Scenario: variable is an empty list
      Then variable "#text" is an empty list

    Scenario: a value that was not stored
      Then variable "#gone" is "x"

  Rule: Headers and whole answers

    Background:
      Given URL path "/echo"
      When the URL is invoked

    Scenario: header is
      Then header "X-Echo" is "other"

    Scenario: header doesn't start with
      Then header "X-Echo" doesn't start with "ech"

    Scenario: a header that is not there
      Then header "X-Nope" is "x"

    Scenario: status
      Then status is "201"

    Scenario: JSON response is equal to
      Then JSON response is equal to "{"a": 1}"

    Scenario: response is equal to that from a file
      Given response format "XML"
      Then response is equal to that from "fixed.xml"

    Scenario: JSON response does not exist
      Then JSON response does not exist

  Rule: Mistakes in the steps themselves

    Scenario: an integer that is not one
      Given JSON Pointer "/n" in request is an integer "many"

    Scenario: a literal that is not one
      Given JSON Pointer "/n" in request is "[1, 2" (with literal_eval)

    Scenario: an XPath the request does not have
      Given format "XML"
      Given request is "<ask/>"
      Given namespace prefix "c" of "urn:esb:customers"
      Given XPath "//c:name" in request is "Ann"

    Scenario: an interval that is not one
      Given JSON Pointer "/t" in request is now "default" plus "soon"

    Scenario: a date format that is not one
      Given JSON Pointer "/t" in request is now "Q"

    Scenario: a config value that is not there
      Given JSON Pointer "/x" in request is "@missing"

    Scenario: a request file that is not there
      Given request "nope.json"
