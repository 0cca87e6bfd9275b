// @herald/mqtt: the MQTT gateway. MQTT 3.1.1 and 5.0 over TCP and WebSocket, and HTTP push
// (POST, Server-Sent Events), as an adapter over the broker: messages, retained messages and
// sessions are Herald topics; a persistent session is a cursor. docs/mqtt.md describes it.

export { mqttListener } from './listener.js';
export { allowAnyone, allowEverything, AuthExchangeFailed, clusterAuthenticator, clusterAuthorizer, scramExchange, type AuthExchange, type Authenticator, type Authorizer, type AuthRefusal, type AuthResult, type AuthStep, type Credentials } from './auth.js';
export { Header, recordMessage, messageHeaders, type MqttMessage, type Qos, type LogRecord } from './message.js';
export { topicMatches, topicFilterProblem, topicNameProblem, parseSharedFilter } from './topics.js';
export { TopicMapping, type MappingRule } from './mapping.js';
