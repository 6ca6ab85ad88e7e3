Feature: Every sentence, Zato's spellings and ours

  # The address comes from config.ini's [user] section, as in Zato's suites; files from json/, xml/, raw/ and form/.
  Background:
    Given address "@address"

  Scenario: A JSON request built with JSON Pointers
    Given URL path "/echo"
    Given REST method "POST"
    Given format "JSON"
    Given request is "{"kept": "as given"}"
    Given date format "stamp" "YYYY-MM-DD HH:mm"
    Given JSON Pointer "/text" in request is "hello"
    Given JSON Pointer "/dicts" in request is "[{"k1":"v1", "k2": 2}, {'k3': None, 'k4': (1, 2.5, True)}]" (with literal_eval)
    Given JSON Pointer "/age" in request is an integer "42"
    Given JSON Pointer "/ratio" in request is a float "0.25"
    Given JSON Pointer "/tags" in request is a list "a, b, c"
    Given path "/typed" in request is a list "[1, 'two', 3.0]"
    Given JSON Pointer "/yes" in request is True
    Given JSON Pointer "/no" in request is False
    Given JSON Pointer "/name" in request is a random string
    Given JSON Pointer "/number" in request is a random integer
    Given JSON Pointer "/real" in request is a random float
    Given JSON Pointer "/colour" in request is one of "red, green"
    Given JSON Pointer "/shade" in request is any of "dark, light"
    Given JSON Pointer "/id" in request is a UUID
    Given JSON Pointer "/id4" in request is a UUID4
    Given path "/day" in request is now "yyyy-MM-dd"
    Given JSON Pointer "/utc" in request is UTC now "default"
    Given JSON Pointer "/earlier" in request is UTC now "default" minus one hour
    Given path "/later" in request is now "stamp" plus "90 minutes"
    Given JSON Pointer "/any" in request is a random date "default"
    Given JSON Pointer "/after" in request is a random date after "2020-01-01" "default"
    Given JSON Pointer "/before" in request is a random date before "2020-01-01" "default"
    Given JSON Pointer "/between" in request is a random date between "2020-01-01" and "2020-12-31" "stamp"
    When the URL is invoked
    Then status is "200"
    And JSON Pointer "/json/kept" is "as given"
    And JSON Pointer "/json/text" is "hello"
    And JSON Pointer "/json/dicts" is "[{'k1': 'v1', 'k2': 2}, {'k3': None, 'k4': [1, 2.5, True]}]" (with literal_eval)
    And path "/json/dicts/0" is JSON "{"k2": 2.0, "k1": "v1"}"
    And JSON Pointer "/objects" is JSON equal to that from "objects.json"
    And JSON Pointer "/json/text" isn't "goodbye"
    And path "/json/text" is not a string "bye"
    And JSON Pointer "/json/text" is a string "hello"
    And JSON Pointer "/json/age" is an integer "42"
    And JSON Pointer "/json/ratio" is a float "0.25"
    And JSON Pointer "/json/number" is any integer
    And JSON Pointer "/json/real" is any float
    And JSON Pointer "/json/name" is any string
    And JSON Pointer "/json/yes" is any bool
    And path "/json/tags" is any list
    And path "/json/dicts/0" is any dict
    And JSON Pointer "/json/id" is a UUID
    And JSON Pointer "/json/id4" is any UUID4
    And JSON Pointer "/json/tags" is a list "a, b, c"
    And path "/json/typed" is a list "[1, 'two', 3]"
    And JSON Pointer "/empty_text" is empty
    And JSON Pointer "/json/name" isn't empty
    And JSON Pointer "/empty_list" is an empty list
    And JSON Pointer "/json/tags" isn't an empty list
    And path "/empty_dict" is an empty dict
    And JSON Pointer "/json/colour" is one of "red, green"
    And JSON Pointer "/json/shade" isn't one of "red, green"
    And JSON Pointer "/objects" contains "{"name": "b", "id": 2}"
    And path "/json/tags" contains "b"
    And JSON Pointer "/objects" contains data from "object.json"
    And JSON Pointer "/json/name" starts with "esb-"
    And path "/json/colour" starts with any of "gr, re"
    And path "/json/text" ends with "llo"
    And JSON Pointer "/json/yes" is True
    And JSON Pointer "/json/no" is False
    And path "/nothing" is null
    And JSON Pointer "/crockford" is a BASE32 Crockford, checksum "true"
    And JSON Pointer "/crockford_plain" is a BASE32 Crockford, checksum "false"
    And JSON Pointer "/encoded" is base64 JSON which pointer "/response/echo_request" has "hola"
    And JSON pointer "/json/age" is any integer

  Scenario: A SOAP 1.1 request built with XPath, its action in the SOAPAction header
    Given URL path "/xml"
    Given HTTP method "POST"
    Given format "XML"
    Given request "soap11.xml"
    Given namespace prefix "soapenv" of "http://schemas.xmlsoap.org/soap/envelope/"
    Given namespace prefix "c" of "urn:esb:customers"
    Given SOAP action "urn:esb:update"
    Given XPath "//c:name" in request is "Ann"
    Given XPath "//c:update/@id" in request is an integer "7"
    Given XPath "//c:ratio" in request is a float "0.5"
    Given XPath "//c:active" in request is True
    Given XPath "//c:inactive" in request is False
    Given XPath "//c:token" in request is a random string
    Given XPath "//c:number" in request is a random integer
    Given XPath "//c:real" in request is a random float
    Given XPath "//c:colour" in request is one of "red, green"
    Given XPath "//c:uuid" in request is a UUID
    Given XPath "//c:today" in request is now "yyyy-MM-dd"
    Given XPath "//c:utc" in request is UTC now "default"
    Given XPath "//c:earlier" in request is UTC now "default" minus one hour
    Given XPath "//c:any" in request is a random date "default"
    Given XPath "//c:after" in request is a random date after "2020-01-01" "default"
    Given XPath "//c:before" in request is a random date before "2020-01-01" "default"
    Given XPath "//c:between" in request is a random date between "2020-01-01" and "2020-12-31" "default"
    When the URL is invoked
    Then status is "200"
    And XPath "/soapenv:Envelope/soapenv:Body/e:echo/e:soapAction" is ""urn:esb:update""
    And XPath "//e:contentType" starts with "text/xml"
    And XPath "//e:contentType" contains "charset=utf-8"
    And XPath "//e:contentType" ends with "utf-8"
    And XPath "//e:contentType" starts with any of "application/xml, text/xml"
    And XPath "//c:name" is "Ann"
    And XPath "//c:name" is not "Bob"
    And XPath "//c:name" is a string "Ann"
    And XPath "//c:update/@id" is an integer "7"
    And XPath "count(//c:update/*)" is an integer "16"
    And XPath "//c:ratio" is a float "0.5"
    And XPath "//c:number" is any integer
    And XPath "//c:real" is any float
    And XPath "//c:token" is any string
    And XPath "//c:active" is any bool
    And XPath "//c:active" is True
    And XPath "//c:inactive" is False
    And XPath "//c:uuid" is a UUID
    And XPath "//e:empty" is empty
    And XPath "//c:token" isn't empty
    And XPath "//c:token" starts with "esb-"
    And XPath "//c:colour" is one of "red, green"
    And XPath "//c:colour" isn't one of "blue, black"
    And XPath "//e:crockford" is a BASE32 Crockford, checksum "true"
    And XPath "//e:encoded" is base64 JSON which pointer "/response/echo_request" has "hola"
    And I store "//c:number" from response under "xml_number"
    And variable "#xml_number" starts with any of "1, 2, 3, 4, 5, 6, 7, 8, 9"

  Scenario: A SOAP 1.2 request, its action in the content type
    Given URL path "/xml"
    Given HTTP method "POST"
    Given format "XML"
    Given request "soap12.xml"
    Given namespace prefix "s12" of "http://www.w3.org/2003/05/soap-envelope"
    Given namespace prefix "c" of "urn:esb:customers"
    Given SOAP action "urn:esb:get"
    Given XPath "//c:get/c:name" in request is "Ann"
    When the URL is invoked
    Then XPath "//e:contentType" starts with "application/soap+xml"
    And XPath "//e:contentType" contains "action="urn:esb:get""
    And XPath "/s12:Envelope/s12:Body/e:echo/e:soapAction" is empty
    And XPath "//c:name" is "Ann"

  Scenario: Plain XML, and a whole answer compared as XML
    Given URL path "/fixed.xml"
    Given request format "XML"
    Given request is "<order><id>1</id></order>"
    Given response format "XML"
    When the URL is invoked
    Then response is equal to that from "fixed.xml"
    And XPath "/answer/item[@id='2']" is "two"

  Scenario: Values stored and checked as variables
    Given URL path "/echo"
    When the URL is invoked
    Then I store "/integer" from response under "integer"
    And I store "/real" from response under "real"
    And I store "/text" from response under "text"
    And I store "/objects" from response under "objects"
    And I store "/objects/0" from response under "object"
    And I store "/empty_list" from response under "empty_list"
    And I store "/empty_dict" from response under "empty_dict"
    And I store "/empty_text" from response under "empty_text"
    And I store "/yes" from response under "yes"
    And I store "/no" from response under "no"
    And I store "/nothing" from response under "nothing"
    And I store "/uuid" from response under "uuid"
    And I store "/crockford" from response under "crockford"
    And I store "/encoded" from response under "encoded"
    And I store "/missing" from response under "fallback", default "none"
    And variable "#integer" is "42"
    And variable "#integer" is "42" (with literal_eval)
    And variable "#objects" is JSON "[{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]"
    And variable "#text" isn't "goodbye"
    And variable "#text" is a string "hello world"
    And variable "#integer" is an integer "42"
    And variable "#real" is a float "2.5"
    And variable "#integer" is any integer
    And variable "#real" is any float
    And variable "#text" is any string
    And variable "#yes" is any Boolean
    And variable "#objects" is any list
    And variable "#object" is any dict
    And variable "#uuid" is any UUID4
    And variable "#objects" is a list "[{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}]"
    And variable "#empty_text" is empty
    And variable "#text" is not empty
    And variable "#empty_list" is an empty list
    And variable "#objects" is not an empty list
    And variable "#empty_dict" is an empty dict
    And variable "#fallback" is one of "none, some"
    And variable "#fallback" is not one of "some, other"
    And variable "#text" contains "world"
    And variable "#text" starts with "hell"
    And variable "#text" starts with any of "bye, hell"
    And variable "#text" ends with "world"
    And variable "#yes" is True
    And variable "#no" is False
    And variable "#nothing" is null
    And variable "#crockford" is a BASE32 Crockford, checksum "true"
    And variable "#encoded" is base64 JSON which pointer "/response/echo_request" has "hola"

  Scenario: Values made by steps
    Given I store "Ann" under "who"
    Given I store "7" under "n"
    Given I store a random string under "random_text"
    Given I store a random integer under "random_integer"
    Given I store a random float under "random_float"
    Given I store a random date under "random_date", format "default"
    Given I store a format string "{who}-{n} {{braces}}" under "label"
    Given I store UTC now under "utc_stamp" "default"
    Given I store now under "local_day" "yyyy-MM-dd"
    Given I encode "hola" using Base64 under "encoded"
    Given I decode "#encoded" using Base64 under "decoded"
    Given I sleep for "0.05"
    Then variable "#label" is "Ann-7 {braces}"
    And variable "#random_text" starts with "esb-"
    And variable "#random_integer" is any integer
    And variable "#random_float" is any float
    And variable "#random_date" is not empty
    And variable "#utc_stamp" starts with "20"
    And variable "#encoded" is "aG9sYQ=="
    And variable "#decoded" is "hola"
    And variable "#{who} and #{n}" is "Ann and 7"

  Scenario: A stored number goes into a request as a number
    Given URL path "/echo"
    Given REST method "POST"
    Given I store a random integer under "random_id"
    Given request is "{}"
    Given JSON Pointer "/id" in request is "#random_id"
    Given JSON Pointer "/label" in request is "id #{random_id}"
    When the URL is invoked
    Then JSON Pointer "/json/id" is any integer
    And JSON Pointer "/json/id" is "#random_id"
    And JSON Pointer "/json/label" starts with "id "

  Scenario: Forms, file uploads and raw bodies
    Given URL path "/echo"
    Given REST method "POST"
    Given form field "name" is "Ann"
    Given Request param "city" is "Oslo"
    Given request file "report" is "report.txt"
    When the URL is invoked
    Then JSON Pointer "/form/name" is "Ann"
    And JSON Pointer "/form/city" is "Oslo"
    And JSON Pointer "/files/report" starts with "quarterly report"
    And JSON Pointer "/headers/content-type" starts with "multipart/form-data"

  Scenario: A form cleaned up is not sent
    Given URL path "/echo"
    Given REST method "POST"
    Given form field "name" is "Ann"
    Given form is cleaned up
    When the URL is invoked
    Then JSON Pointer "/body" is empty

  Scenario: A raw body from a file
    Given URL path "/echo"
    Given REST method "POST"
    Given format "RAW"
    Given request "fixed-width.txt"
    Given header "X-One" "1"
    Given user agent is "zato-suite"
    Given query string "?a=1"
    Given Basic Auth "user" "pass word"
    When the URL is invoked
    Then JSON Pointer "/body" starts with "ANN       0042OSLO"
    And JSON Pointer "/headers/content-type" starts with "text/plain"
    And JSON Pointer "/headers/x-one" is "1"
    And JSON Pointer "/headers/user-agent" is "zato-suite"
    And JSON Pointer "/query" is "?a=1"
    And JSON Pointer "/headers/authorization" is "Basic dXNlcjpwYXNzIHdvcmQ="

  Scenario: A JSON request from a file
    Given URL path "/echo"
    Given REST method "PUT"
    Given format "JSON"
    Given request "order.json"
    Given JSON Pointer "/quantity" in request is an integer "3"
    When the URL is invoked
    Then JSON Pointer "/json/customer" is "Ann"
    And JSON Pointer "/json/quantity" is "3"

  Scenario: Headers
    Given URL path "/echo"
    When the URL is invoked
    Then header "X-Echo" is "echoed"
    And header "X-Echo" isn't "other"
    And header "X-Echo" contains "cho"
    And header "X-Echo" doesn't contain "zzz"
    And header "X-Echo" starts with "ech"
    And header "X-Echo" doesn't start with "zzz"
    And header "X-Echo" ends with "oed"
    And header "X-Echo" doesn't end with "zzz"
    And header "X-Echo" exists
    And header "X-Absent" doesn't exist
    And header "X-Empty" is empty
    And header "X-Echo" isn't empty
    And JSON response exists

  Scenario: Whole answers
    Given URL path "/fixed"
    When the URL is invoked
    Then JSON response is equal to "{"count": 3, "answer":{"bool1":false, "bool2":true}}"
    And response is equal to "{"answer": {"bool2": true, "bool1": false}, "count": 3.0}"
    And response is equal to that from "fixed.json"

  Scenario: An empty answer
    Given URL path "/empty"
    When the URL is invoked
    Then status is "200"
    And JSON response does not exist

  Scenario: Cleaning up
    Given I store "kept" under "label"
    Given namespace prefix "x" of "urn:x"
    Given date format "short" "YY"
    Then context is cleaned up
