Feature: Integrations Tutorial

Scenario: *** Get User Details ***
    Given address "http://localhost:17010"
    Given URL path "/tutorial/api/get-user-details"
    Given REST method "GET"
    Given header "X-API-Key" "abc"
    When the URL is invoked
    Then status is "200"
    And path "/account_balance" is "357.9"
    And path "/account_no" is "123456"
    And path "/user_type" is "RGV"
