/**
 * Names the demo data set is made of: people, customer companies, e-mail and meeting subjects, an
 * application landscape (fact sheets) and business processes. All fictitious.
 */

// prettier-ignore
export const FIRST_NAMES = [
  'Ada', 'Adrian', 'Aisha', 'Alejandro', 'Amelia', 'Anders', 'Anika', 'Ava', 'Benjamin', 'Bianca',
  'Camille', 'Carlos', 'Charlotte', 'Chen', 'Chloe', 'Daniel', 'Diego', 'Elena', 'Elif', 'Emil',
  'Emma', 'Fatima', 'Felix', 'Freya', 'Gabriel', 'Grace', 'Hannah', 'Hiroshi', 'Ines', 'Isabel',
  'Ivan', 'Jakob', 'James', 'Julia', 'Kai', 'Karin', 'Lara', 'Leon', 'Lucas', 'Maja',
  'Marco', 'Maria', 'Mateo', 'Mei', 'Mia', 'Nadia', 'Niklas', 'Noah', 'Olivia', 'Omar',
  'Paula', 'Priya', 'Rafael', 'Rosa', 'Samuel', 'Sofia', 'Tariq', 'Theo', 'Valentina', 'Yusuf',
] as const;

// prettier-ignore
export const LAST_NAMES = [
  'Andersen', 'Becker', 'Bianchi', 'Brennan', 'Castillo', 'Costa', 'Dubois', 'Eriksson', 'Fischer', 'Fontaine',
  'García', 'Hansen', 'Hoffmann', 'Ivanova', 'Jansen', 'Kapoor', 'Kowalski', 'Larsen', 'Laurent', 'Lindqvist',
  'Martin', 'Meyer', 'Moreau', 'Müller', 'Nakamura', 'Nguyen', 'Novak', 'O’Connor', 'Okafor', 'Olsen',
  'Patel', 'Petrov', 'Quinn', 'Richter', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Sørensen', 'Tanaka',
  'Thompson', 'Valentini', 'Vogel', 'Wagner', 'Walsh', 'Weber', 'Wójcik', 'Yamamoto', 'Zhang', 'Ziegler',
] as const;

/** Customers and prospects in a sales team's CRM. */
// prettier-ignore
export const CUSTOMER_COMPANIES = [
  'Alpine Logistics AG', 'Blue Harbor Foods', 'Brightwater Energy', 'Cedar & Stone Architects', 'Coastal Medical Group',
  'Crescent Pharma', 'Delta Freight Systems', 'Evergreen Retail', 'Falcon Aerospace', 'Granite Insurance',
  'Harborview Hotels', 'Ironbridge Manufacturing', 'Juniper Telecom', 'Keystone Construction', 'Lakeside Dairy Co.',
  'Maple Leaf Outfitters', 'Meridian Bank', 'Northstar Mining', 'Oakridge Software', 'Pioneer Agritech',
  'Quantum Robotics', 'Redwood Paper Mills', 'Silverline Shipping', 'Summit Healthcare', 'Tidewater Chemicals',
  'Unity Public Schools', 'Vanguard Motors', 'Westwind Airlines', 'Yellowstone Outdoor', 'Zenith Optics',
] as const;

// prettier-ignore
export const EMAIL_SUBJECTS = [
  'Quote {n} – revised pricing', 'Re: Renewal of the {company} service contract', 'Follow-up on our call',
  'Order confirmation {n}', 'RE: Delivery schedule for Q{q}', 'Invoice {n} – payment reminder',
  'Introduction: {company} x Northwind', 'Re: Technical questions about the integration', 'Signed NDA attached',
  'Fwd: RFP {n} – clarifications', 'Meeting notes – {company}', 'Re: Pilot results and next steps',
  'Price list {y}', 'RE: Damaged goods in shipment {n}', 'Welcome to Northwind Traders',
] as const;

// prettier-ignore
export const APPOINTMENT_SUBJECTS = [
  'Quarterly business review – {company}', 'Demo: Northwind ordering portal', 'Contract negotiation',
  'Site visit at {company}', 'Kick-off: {company} rollout', 'Pricing workshop', 'Lunch with procurement',
  'Weekly pipeline review', 'Escalation call – shipment {n}', 'Trade fair booth planning',
] as const;

// prettier-ignore
export const TASK_SUBJECTS = [
  'Send revised quote to {company}', 'Call back {person}', 'Prepare QBR slides', 'Check credit limit for {company}',
  'Update opportunity stage', 'Follow up on unpaid invoice {n}', 'Book travel to {company}',
] as const;

/** Applications of an enterprise's landscape, as fact sheets in the EA tool and business apps in the CMDB. */
// prettier-ignore
export const APPLICATIONS = [
  'SAP S/4HANA Finance', 'SAP SuccessFactors', 'Salesforce Sales Cloud', 'Salesforce Service Cloud', 'Workday HCM',
  'ServiceNow ITSM', 'Jira Software', 'Confluence', 'Microsoft Teams', 'SharePoint Online', 'Exchange Online',
  'Power BI', 'Tableau Server', 'Snowflake Data Cloud', 'Databricks Lakehouse', 'Okta Workforce Identity',
  'Coupa Procurement', 'SAP Ariba', 'SAP Concur', 'Zendesk Support', 'HubSpot Marketing Hub', 'Adobe Experience Manager',
  'Oracle E-Business Suite', 'Siebel CRM (legacy)', 'Dynamics 365 Field Service', 'DocuSign eSignature', 'Slack',
  'GitHub Enterprise', 'Jenkins CI', 'SonarQube', 'Splunk Enterprise', 'Datadog', 'PagerDuty', 'Kronos Workforce',
  'Guidewire PolicyCenter', 'Infor WMS', 'Manhattan SCALE', 'Blue Yonder Demand Planning', 'Anaplan', 'Kyriba Treasury',
  'BlackLine Close', 'Avalara Tax', 'Veeva Vault', 'Qualtrics XM', 'Miro', 'Figma', 'Workato', 'MuleSoft Anypoint',
  'Fabrikam Customer Portal', 'Fabrikam Mobile App', 'Fabrikam Dealer Network', 'Warehouse Scanner App',
  'Product Configurator', 'Pricing Engine', 'Loyalty Platform', 'Legacy Order Entry (AS/400)', 'Document Archive',
  'Travel Booking Tool', 'Contract Repository', 'Supplier Portal',
] as const;

// prettier-ignore
export const IT_COMPONENTS = [
  'Oracle Database 19c', 'PostgreSQL 15', 'Microsoft SQL Server 2019', 'SAP HANA 2.0', 'MongoDB 6.0',
  'Red Hat Enterprise Linux 8', 'Windows Server 2019', 'Windows Server 2012 R2', 'Ubuntu 22.04 LTS', 'IBM i 7.3',
  'Apache Tomcat 9', 'Nginx 1.24', 'IIS 10', 'Kubernetes 1.29', 'OpenShift 4.14', 'VMware vSphere 7',
  'Java 17 (Temurin)', 'Java 8 (Oracle)', '.NET 6', 'Node.js 20', 'Python 3.11', 'Apache Kafka 3.6',
  'RabbitMQ 3.12', 'Redis 7', 'Elasticsearch 8', 'AWS S3', 'Azure Blob Storage', 'Azure SQL Database',
  'F5 BIG-IP', 'Citrix Virtual Apps 7', 'SAP NetWeaver 7.5', 'Informatica PowerCenter 10',
] as const;

// prettier-ignore
export const PROVIDERS = [
  'SAP SE', 'Salesforce, Inc.', 'Microsoft Corporation', 'Oracle Corporation', 'ServiceNow, Inc.', 'Atlassian',
  'Workday, Inc.', 'Amazon Web Services', 'Red Hat', 'IBM', 'Adobe', 'Snowflake Inc.', 'Okta, Inc.', 'Coupa Software',
  'Infosys (managed services)',
] as const;

// prettier-ignore
export const BUSINESS_CAPABILITIES = [
  'Customer Management', 'Order Management', 'Pricing', 'Billing & Invoicing', 'Procurement', 'Supplier Management',
  'Warehouse Management', 'Transportation', 'Demand Planning', 'Financial Accounting', 'Treasury', 'Tax Management',
  'Human Resources', 'Payroll', 'Talent Management', 'IT Service Management', 'Identity & Access Management',
  'Data & Analytics', 'Document Management', 'Marketing Automation',
] as const;

/** Process models in a process-modelling workspace (Signavio), grouped as end-to-end processes. */
// prettier-ignore
export const PROCESSES = [
  'Order to Cash', 'Procure to Pay', 'Record to Report', 'Hire to Retire', 'Quote to Order', 'Plan to Produce',
  'Issue to Resolution', 'Request to Fulfil', 'Idea to Market', 'Acquire to Retire',
] as const;

// prettier-ignore
export const SUBPROCESSES = [
  'Create Sales Order', 'Check Credit Limit', 'Ship Goods', 'Issue Invoice', 'Process Incoming Payment',
  'Approve Purchase Requisition', 'Create Purchase Order', 'Receive Goods', 'Verify Supplier Invoice', 'Pay Supplier',
  'Close Period', 'Reconcile Accounts', 'Consolidate Entities', 'Onboard Employee', 'Run Payroll', 'Offboard Employee',
  'Qualify Lead', 'Configure Product', 'Approve Discount', 'Log Incident', 'Resolve Incident', 'Handle Change Request',
  'Release Product', 'Retire Asset',
] as const;

/** Fills `{company}`, `{person}`, `{n}`, `{q}` and `{y}` in a subject template. */
export function fillTemplate(
  template: string,
  values: { company: string; person: string; n: number; q: number; y: number },
): string {
  return template
    .replace('{company}', values.company)
    .replace('{person}', values.person)
    .replace('{n}', String(values.n))
    .replace('{q}', String(values.q))
    .replace('{y}', String(values.y));
}

/** `first.last` for an e-mail address: lower case, ASCII. */
export function emailLocalPart(first: string, last: string): string {
  const ascii = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace('ø', 'o')
      .replace('Ø', 'O')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase();
  return `${ascii(first)}.${ascii(last)}`;
}
